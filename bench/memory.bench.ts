/*
 * Memory: RSS and V8 heap of an idle Express app alone and with the instrumentation plus an exporter, after
 * 1,000 collections (and, in the full run, up to 5,000 to show the trend), each variant in its own process,
 * sampled after a full GC. Where the collector is built and moto is installed, the ADOT sidecar path runs under
 * the same load in the same run: the app exports the same collections over OTLP to the collector running the
 * shipped otel-collector.yaml, whose awsemf exporter writes to moto's CloudWatch Logs; the collector's RSS is
 * read at the app's checkpoints.
 */
import type { AppOptions, MemorySample } from './apps/express-app.js';
import { round, slope } from './harness/stats.js';
import type { Headline, Suite, Table } from './harness/types.js';
import { runApp } from './support/app-process.js';
import { startEmulatorProcess } from './support/emulator.js';
import { writeScenario } from './support/scenario.js';
import { collectorBinary, onPath, rssOf, startCollector, startMoto } from './support/sidecar.js';

const CONTAINERS = 10;
const HEADLINE_AT = 1000;
export const ADDED_GOAL_MB = 5;
const MB = 1024 * 1024;
const mb = (bytes: number) => round(bytes / MB, 1);
/** Beyond the sidecar's batch processor timeout (5 s): the collector has exported everything. */
const SETTLE_MS = 6_000;
const JIT_OFF = ['--no-opt', '--no-maglev'];

interface Variant {
  name: string;
  app: Pick<AppOptions, 'variant' | 'exporter' | 'client'>;
  execArgv?: string[];
  /** Only in the full run: variants that explain a figure. */
  fullOnly?: boolean;
}

const BARE = 'Express alone';
const INSTRUMENTED = 'Express + instrumentation + exporter';
const VARIANTS: Variant[] = [
  { name: BARE, app: { variant: 'bare', exporter: 'serialize-discard' } },
  { name: INSTRUMENTED, app: { variant: 'instrumented', exporter: 'serialize-discard' } },
  {
    name: 'the same, HTTP client: global fetch',
    app: { variant: 'instrumented', exporter: 'serialize-discard', client: 'fetch' },
    fullOnly: true,
  },
  {
    name: 'Express alone, JIT off',
    app: { variant: 'bare', exporter: 'serialize-discard' },
    execArgv: JIT_OFF,
    fullOnly: true,
  },
  {
    name: 'the same + instrumentation, JIT off',
    app: { variant: 'instrumented', exporter: 'serialize-discard' },
    execArgv: JIT_OFF,
    fullOnly: true,
  },
];

const at = (samples: MemorySample[], n: number) => samples.find((s) => s.collections === n)!;

/** Least-squares growth from `from` collections on, in KB per 1000 collections. */
function trendKb(samples: MemorySample[], from: number, field: 'rss' | 'heapUsed'): number {
  const steady = samples.filter((s) => s.collections >= from);
  return (
    (slope(
      steady.map((s) => s.collections),
      steady.map((s) => s[field]),
    ) *
      1000) /
    1024
  );
}

export const memorySuite: Suite = {
  name: 'memory',
  title: 'Memory of an idle Express app with and without the instrumentation; the ADOT collector',
  async run(context) {
    const total = context.quick ? HEADLINE_AT : 5000;
    const every = context.quick ? 100 : 250;
    const variants = VARIANTS.filter((v) => !context.quick || !v.fullOnly);
    const scenario = await writeScenario(CONTAINERS);
    const emulator = await startEmulatorProcess(scenario.dir);
    let results: Array<{ variant: Variant; samples: MemorySample[] }>;
    let sidecar: SidecarResult | string;
    try {
      // The variants are separate processes and count collections, not time: they run side by side.
      context.progress(
        `  ${variants.length} variants and the sidecar path: ${total} collections each`,
      );
      [results, sidecar] = await Promise.all([
        Promise.all(
          variants.map(async (variant) => ({
            variant,
            samples: await runApp<MemorySample>(
              {
                ...variant.app,
                endpoint: emulator.url,
                mode: 'collections',
                collections: total,
                every,
              },
              { execArgv: variant.execArgv },
            ),
          })),
        ),
        measureSidecar(emulator.url, total, every, context.quick ? 0 : SETTLE_MS),
      ]);
    } finally {
      await emulator.close();
      await scenario.remove();
    }

    // Half-way on, the trend shows growth that continues (a leak) rather than warm-up.
    const trendFrom = Math.max(every, total / 2);
    const checkpoints = [0, every, HEADLINE_AT, total].filter((n, i, a) => a.indexOf(n) === i);
    const tables: Table[] = [
      {
        title: `Memory after N collections (${CONTAINERS} containers), MB, after V8's memory-reducing full GC`,
        columns: [
          'variant',
          ...checkpoints.flatMap((n) => [`RSS @${n}`, `heap @${n}`]),
          `RSS trend KB/1000 from @${trendFrom}`,
          `heap trend KB/1000 from @${trendFrom}`,
        ],
        rows: results.map(({ variant, samples }) => [
          variant.name,
          ...checkpoints.flatMap((n) => [mb(at(samples, n).rss), mb(at(samples, n).heapUsed)]),
          round(trendKb(samples, trendFrom, 'rss'), 0),
          round(trendKb(samples, trendFrom, 'heapUsed'), 0),
        ]),
        notes: [
          'Each variant in its own process (node --expose-gc), collections back to back; the exporter serializes',
          'every export to JSON and drops it. heap: V8 heap in use. trend: least-squares slope (0 = flat).',
          ...(context.quick
            ? []
            : [
                'JIT off (--no-opt --no-maglev): without the optimizing compilers, whose work on the now-hot',
                'collection code leaves memory in the allocator; the difference to the default rows is that share.',
              ]),
        ],
      },
    ];

    const bare = results.find((r) => r.variant.name === BARE)!.samples;
    const inst = results.find((r) => r.variant.name === INSTRUMENTED)!.samples;
    const added = at(inst, HEADLINE_AT).rss - at(bare, HEADLINE_AT).rss;
    const addedHeap = at(inst, HEADLINE_AT).heapUsed - at(bare, HEADLINE_AT).heapUsed;
    const headlines: Headline[] = [
      {
        name: `RSS added after ${HEADLINE_AT} collections (MB)`,
        value: mb(added),
        goal: `< ${ADDED_GOAL_MB}`,
        met: added < ADDED_GOAL_MB * MB,
      },
      {
        name: `heap added after ${HEADLINE_AT} collections (MB)`,
        value: mb(addedHeap),
        goal: `< ${ADDED_GOAL_MB}`,
        met: addedHeap < ADDED_GOAL_MB * MB,
      },
      {
        name: `heap trend with the instrumentation from @${trendFrom} (KB per 1000 collections)`,
        value: round(trendKb(inst, trendFrom, 'heapUsed'), 0),
      },
    ];
    if (typeof sidecar === 'string') {
      tables[0]!.notes!.push(`Collector: ${sidecar}`);
    } else {
      tables.push(sidecarTable(sidecar, checkpoints, at(bare, HEADLINE_AT).rss));
      const collectorAt = sidecar.collector.find((s) => s.collections === HEADLINE_AT)!.rss;
      headlines.push({
        name: `collector (ADOT sidecar) RSS after ${HEADLINE_AT} collections (MB)`,
        value: mb(collectorAt),
      });
    }
    return { tables, headlines, data: { total, every, results, sidecar } };
  },
};

interface SidecarResult {
  /** The collector's RSS at the app's checkpoints, and after it settled (`collections: -1`). */
  collector: Array<{ collections: number; rss: number }>;
  /** The app exporting over OTLP. */
  app: MemorySample[];
}

/** The sidecar path under the same load, or why it was skipped. */
async function measureSidecar(
  endpoint: string,
  total: number,
  every: number,
  settleMs: number,
): Promise<SidecarResult | string> {
  const binary = await collectorBinary();
  if (!binary)
    return 'skipped, not built (npm run collector:build builds it where Go is installed).';
  if (!onPath('moto_server'))
    return "skipped, moto_server is not installed (pip install 'moto[server]').";
  const moto = await startMoto();
  try {
    const collector = await startCollector(binary, moto.endpoint);
    try {
      const pid = collector.child.pid!;
      const rss: SidecarResult['collector'] = [];
      const app = await runApp<MemorySample>(
        {
          variant: 'instrumented',
          exporter: 'otlp',
          otlpUrl: collector.otlpUrl,
          endpoint,
          mode: 'collections',
          collections: total,
          every,
        },
        {
          onSample: (s) => rss.push({ collections: s.collections, rss: rssOf(pid) ?? Number.NaN }),
        },
      );
      if (settleMs > 0) {
        await new Promise((resolve) => setTimeout(resolve, settleMs));
        rss.push({ collections: -1, rss: rssOf(pid) ?? Number.NaN });
      }
      return { collector: rss, app };
    } finally {
      await collector.close();
    }
  } finally {
    await moto.close();
  }
}

function sidecarTable(result: SidecarResult, checkpoints: number[], bareRss: number): Table {
  const collectorAt = (n: number) => result.collector.find((s) => s.collections === n)?.rss;
  const settled = collectorAt(-1);
  const appAt = (n: number) => at(result.app, n).rss;
  const settledColumn = settled === undefined ? [] : [`settled (+${SETTLE_MS / 1000} s)`];
  return {
    title: 'ADOT sidecar path under the same load: RSS (MB)',
    columns: ['process', ...checkpoints.map((n) => `@${n}`), ...settledColumn],
    rows: [
      [
        'collector (otel-collector.yaml)',
        ...checkpoints.map((n) => mb(collectorAt(n) ?? Number.NaN)),
        ...(settled === undefined ? [] : [mb(settled)]),
      ],
      [
        'app + instrumentation + OTLP exporter',
        ...checkpoints.map((n) => mb(appAt(n))),
        ...settledColumn.map(() => ''),
      ],
    ],
    notes: [
      'The collector built from collector/builder-config.yaml runs the shipped otel-collector.yaml (OTLP in,',
      "awsemf out to moto's CloudWatch Logs); its RSS is read from /proc while the app pauses at each checkpoint.",
      `For comparison, Express alone @${HEADLINE_AT}: ${mb(bareRss)} MB.`,
    ],
  };
}
