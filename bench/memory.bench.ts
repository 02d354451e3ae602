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
  /** Only in the full run. */
  fullOnly?: boolean;
  /** A variant that explains a figure: one process, not the median of several. */
  explains?: boolean;
}

const BARE = 'Express alone';
const EMF = 'Express + instrumentation + EMF exporter';
const CLOUDWATCH = 'Express + instrumentation + CloudWatch exporter';
const VARIANTS: Variant[] = [
  { name: BARE, app: { variant: 'bare', exporter: 'emf' } },
  { name: EMF, app: { variant: 'instrumented', exporter: 'emf' } },
  // Each collection is a PutMetricData round trip to moto: in the full run only.
  { name: CLOUDWATCH, app: { variant: 'instrumented', exporter: 'cloudwatch' }, fullOnly: true },
  {
    name: 'the EMF row, HTTP client: global fetch',
    app: { variant: 'instrumented', exporter: 'emf', client: 'fetch' },
    fullOnly: true,
    explains: true,
  },
  {
    name: 'Express alone, JIT off',
    app: { variant: 'bare', exporter: 'emf' },
    execArgv: JIT_OFF,
    fullOnly: true,
    explains: true,
  },
  {
    name: 'the EMF row, JIT off',
    app: { variant: 'instrumented', exporter: 'emf' },
    execArgv: JIT_OFF,
    fullOnly: true,
    explains: true,
  },
];
/** Processes per headline variant in the full run: RSS differs by a few MB between two identical processes. */
const REPEATS_FULL = 3;
const CONCURRENCY = 4;

/** Runs `tasks` with at most `limit` at a time, results in order. */
async function pool<T>(tasks: Array<() => Promise<T>>, limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

/** The sample-by-sample median of repeated runs (every run has the same checkpoints). */
function medianRun(runs: MemorySample[][]): MemorySample[] {
  const median = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)]!;
  };
  return runs[0]!.map((first, i) => ({
    ...first,
    rss: median(runs.map((r) => r[i]!.rss)),
    heapUsed: median(runs.map((r) => r[i]!.heapUsed)),
    heapTotal: median(runs.map((r) => r[i]!.heapTotal)),
  }));
}

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
    const motoAvailable = onPath('moto_server');
    const skipped: string[] = [];
    const variants = VARIANTS.filter((v) => {
      if (context.quick && v.fullOnly) return false;
      if (v.app.exporter === 'cloudwatch' && !motoAvailable) {
        skipped.push(`${v.name}: skipped, ${NO_MOTO}`);
        return false;
      }
      return true;
    });
    const repeats = (v: Variant) => (context.quick || v.explains ? 1 : REPEATS_FULL);
    const scenario = await writeScenario(CONTAINERS);
    const emulator = await startEmulatorProcess(scenario.dir);
    const moto = motoAvailable ? await startMoto() : undefined;
    let results: Array<{ variant: Variant; samples: MemorySample[] }>;
    let sidecar: SidecarResult | string;
    try {
      // Separate processes that count collections, not time: they can run side by side.
      const runs = variants.flatMap((variant) =>
        Array.from({ length: repeats(variant) }, () => variant),
      );
      context.progress(
        `  ${runs.length} app processes and the sidecar path, ${total} collections each`,
      );
      const app = (variant: Variant) =>
        runApp<MemorySample>(
          {
            ...variant.app,
            targets: { cloudWatchEndpoint: moto?.endpoint },
            endpoint: emulator.url,
            mode: 'collections',
            collections: total,
            every,
          },
          { execArgv: variant.execArgv },
        );
      const [samples, side] = await Promise.all([
        pool(
          runs.map((variant) => () => app(variant)),
          CONCURRENCY,
        ),
        measureSidecar(moto, emulator.url, total, every, context.quick ? 0 : SETTLE_MS),
      ]);
      sidecar = side;
      results = variants.map((variant) => ({
        variant,
        samples: medianRun(samples.filter((_, i) => runs[i] === variant)),
      }));
    } finally {
      await moto?.close();
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
          'Each row its own process (node --expose-gc), collections back to back; heap: V8 heap in use;',
          'trend: least-squares slope (0 = flat). EMF lines go to stdout (discarded), PutMetricData to moto.',
          ...(context.quick
            ? []
            : [
                `The first ${VARIANTS.filter((v) => !v.explains).length} rows: median of ${REPEATS_FULL} processes each.`,
                'JIT off (--no-opt --no-maglev): without the optimizing compilers, whose work on the now-hot',
                'collection code leaves memory in the allocator; the difference to the default rows is that share.',
              ]),
          ...skipped,
        ],
      },
    ];

    const samplesOf = (name: string) => results.find((r) => r.variant.name === name)?.samples;
    const bare = samplesOf(BARE)!;
    const emf = samplesOf(EMF)!;
    const addedRss = (samples: MemorySample[]) =>
      at(samples, HEADLINE_AT).rss - at(bare, HEADLINE_AT).rss;
    const addedHeap = at(emf, HEADLINE_AT).heapUsed - at(bare, HEADLINE_AT).heapUsed;
    const headlines: Headline[] = [
      {
        name: `RSS added by instrumentation + EMF exporter after ${HEADLINE_AT} collections (MB)`,
        value: mb(addedRss(emf)),
        goal: `< ${ADDED_GOAL_MB}`,
        met: addedRss(emf) < ADDED_GOAL_MB * MB,
      },
    ];
    const cloudWatch = samplesOf(CLOUDWATCH);
    if (cloudWatch) {
      headlines.push({
        name: `RSS added by instrumentation + CloudWatch exporter after ${HEADLINE_AT} collections (MB)`,
        value: mb(addedRss(cloudWatch)),
        goal: `< ${ADDED_GOAL_MB}`,
        met: addedRss(cloudWatch) < ADDED_GOAL_MB * MB,
      });
    }
    headlines.push(
      {
        name: `heap added by instrumentation + EMF exporter after ${HEADLINE_AT} collections (MB)`,
        value: mb(addedHeap),
        goal: `< ${ADDED_GOAL_MB}`,
        met: addedHeap < ADDED_GOAL_MB * MB,
      },
      {
        name: `heap trend with the instrumentation from @${trendFrom} (KB per 1000 collections)`,
        value: round(trendKb(emf, trendFrom, 'heapUsed'), 0),
      },
    );
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

const NO_MOTO = "moto_server is not installed (pip install 'moto[server]').";

interface SidecarResult {
  /** The collector's RSS at the app's checkpoints, and after it settled (`collections: -1`). */
  collector: Array<{ collections: number; rss: number }>;
  /** The app exporting over OTLP. */
  app: MemorySample[];
}

/** The sidecar path under the same load, or why it was skipped. */
async function measureSidecar(
  moto: { endpoint: string } | undefined,
  endpoint: string,
  total: number,
  every: number,
  settleMs: number,
): Promise<SidecarResult | string> {
  const binary = await collectorBinary();
  if (!binary)
    return 'skipped, not built (npm run collector:build builds it where Go is installed).';
  if (!moto) return `skipped, ${NO_MOTO}`;
  const collector = await startCollector(binary, moto.endpoint);
  try {
    const pid = collector.child.pid!;
    const rss: SidecarResult['collector'] = [];
    const app = await runApp<MemorySample>(
      {
        variant: 'instrumented',
        exporter: 'otlp',
        targets: { otlpUrl: collector.otlpUrl },
        endpoint,
        mode: 'collections',
        collections: total,
        every,
      },
      { onSample: (s) => rss.push({ collections: s.collections, rss: rssOf(pid) ?? Number.NaN }) },
    );
    if (settleMs > 0) {
      await new Promise((resolve) => setTimeout(resolve, settleMs));
      rss.push({ collections: -1, rss: rssOf(pid) ?? Number.NaN });
    }
    return { collector: rss, app };
  } finally {
    await collector.close();
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
