// Differential run: the contrib receiver awsecscontainermetrics (in the collector built from the manifest) and
// our instrumentation read the same emulator scenario; every difference must have a documented cause.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { EcsTaskMetricsInstrumentation, PACKAGE_NAME } from '@ecs-task-metrics/instrumentation';
import { startTmdsEmulator } from '@ecs-task-metrics/tmds-emulator';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { locateCollectorBuild, repoRootFromHere } from '../../collector/locate.ts';
import { flatten, inMemoryProvider } from '../helpers.js';
import { E2E_SKIP_VARIABLE } from './support/prerequisites.js';
import {
  CONTAINER_PAIRS,
  type ComparedValue,
  compareScenario,
  OurPoints,
  TASK_PAIRS,
} from './support/receiver-comparison.js';
import { COMPARISON_DOC_URL, renderComparisonDoc } from './support/receiver-comparison-doc.js';
import { alignedLabel, causeOf, DIFFERENCE_CAUSES } from './support/receiver-differences.js';
import { collectWithReceiver, type ReceiverCollection } from './support/receiver-run.js';
import { alignedTaskDocument, scenariosWith } from './support/scenarios.js';

const UPDATE_DOCS = process.env.ECS_TASK_METRICS_UPDATE_DOCS === '1';
const REFERENCE_PATH = new URL(
  '../shared/reference/collector-receiver-expected.json',
  `file://${repoRootFromHere()}/`,
).pathname;

/** Every scenario the receiver reads (`/task` and `/task/stats`), plus "ids aligned" variants (see scenarios.ts). */
const VARIANTS = scenariosWith('task.json', 'task-stats.json').flatMap((scenario) => {
  const task = alignedTaskDocument(scenario);
  return [
    { label: scenario, scenario, task: undefined as unknown },
    ...(task ? [{ label: alignedLabel(scenario), scenario, task }] : []),
  ];
});

function receiverModule(): string {
  const manifest = parse(locateCollectorBuild().manifestText) as {
    receivers: Array<{ gomod: string }>;
  };
  const entry = manifest.receivers.find((r) => r.gomod.includes('awsecscontainermetricsreceiver'));
  return entry!.gomod.split('/').at(-1)!.replace(' ', '@');
}

async function collectOurs(endpoint: string): Promise<OurPoints> {
  const mp = inMemoryProvider();
  const instrumentation = new EcsTaskMetricsInstrumentation({ endpoint });
  instrumentation.setMeterProvider(mp.provider);
  try {
    return new OurPoints(flatten(await mp.collect()).filter((p) => p.scope === PACKAGE_NAME));
  } finally {
    instrumentation.disable();
    await mp.provider.shutdown();
  }
}

const describeRow = (c: ComparedValue) =>
  `${c.scenario} ${c.container ?? '(task)'} ${c.pair.receiver}: receiver ${c.receiver?.text ?? '—'}, ours ${c.ours ?? '—'}`;

describe.skipIf(process.env[E2E_SKIP_VARIABLE])(
  'differential run: awsecscontainermetrics vs our instrumentation',
  () => {
    const compared: ComparedValue[] = [];
    const receiverRuns = new Map<string, ReceiverCollection>();
    const receiverNames = new Set<string>();
    const ourNames = new Set<string>();

    beforeAll(async () => {
      const { binaryPath } = locateCollectorBuild();
      for (const variant of VARIANTS) {
        const emulator = await startTmdsEmulator({ scenario: variant.scenario });
        try {
          if (variant.task !== undefined) emulator.setPayload('/task', variant.task);
          const receiver = await collectWithReceiver(binaryPath, emulator.url);
          const ours = await collectOurs(emulator.url);
          receiverRuns.set(variant.label, receiver);
          for (const metrics of [receiver.task, ...receiver.containers.values()]) {
            for (const name of metrics.keys()) receiverNames.add(name);
          }
          for (const point of ours.points) ourNames.add(point.name);
          compared.push(...compareScenario(variant.label, receiver, ours));
        } finally {
          await emulator.close();
        }
      }
    });

    it('compares every scenario the receiver reads, containers and task', () => {
      expect(VARIANTS.length).toBeGreaterThanOrEqual(6);
      for (const { label } of VARIANTS) {
        const rows = compared.filter((c) => c.scenario === label);
        expect(
          rows.some((c) => c.container === undefined),
          label,
        ).toBe(true);
        expect(
          rows.some((c) => c.container !== undefined),
          label,
        ).toBe(true);
      }
    });

    it('agrees with the receiver wherever no documented cause says otherwise', () => {
      const unexplained = compared.filter((c) => !c.equal && causeOf(c) === undefined);
      expect(unexplained.map(describeRow)).toEqual([]);
    });

    it('has no documented cause that no longer explains a difference', () => {
      const used = new Set(compared.filter((c) => !c.equal).map((c) => causeOf(c)?.title));
      const stale = DIFFERENCE_CAUSES.filter((cause) => !used.has(cause.title)).map((c) => c.title);
      expect(stale).toEqual([]);
    });

    it('shows the known receiver defects', () => {
      const titles = new Set(compared.filter((c) => !c.equal).map((c) => causeOf(c)?.title));
      for (const defect of [
        'cgroup v2: page cache counted as used',
        'cgroup v2: no peak',
        '"no limit" exported as a limit',
        'awsvpc: task traffic × number of containers',
        'cgroup v2: disk I/O missed',
        'task "CPU utilized" in CPU units',
      ]) {
        expect(titles, defect).toContain(defect);
      }
    });

    it('publishes the comparison table in docs/', () => {
      const paired = new Set([...CONTAINER_PAIRS, ...TASK_PAIRS].map((p) => p.receiver));
      const oursPaired = new Set([...CONTAINER_PAIRS, ...TASK_PAIRS].map((p) => p.ourMetric));
      const doc = renderComparisonDoc({
        receiverModule: receiverModule(),
        compared,
        scenarios: VARIANTS.map((v) => v.label),
        receiverOnly: [...receiverNames].filter((n) => !paired.has(n)).sort(),
        oursOnly: [...ourNames].filter((n) => !oursPaired.has(n)).sort(),
      });
      if (UPDATE_DOCS) writeFileSync(COMPARISON_DOC_URL, doc);
      const published = existsSync(COMPARISON_DOC_URL)
        ? readFileSync(COMPARISON_DOC_URL, 'utf8')
        : '';
      expect(
        published === doc,
        'docs/collector-receiver-comparison.md is out of date: ECS_TASK_METRICS_UPDATE_DOCS=1 npm run test:e2e',
      ).toBe(true);
    });

    describe.skipIf(!existsSync(REFERENCE_PATH))(
      'against ../shared/reference/collector-receiver-expected.json',
      () => {
        it('reads the fixtures as the reference says the receiver does', () => {
          const reference = JSON.parse(readFileSync(REFERENCE_PATH, 'utf8')) as Record<
            string,
            {
              containers?: Array<{ name: string; metrics: Record<string, { value: number }> }>;
              task?: Record<string, { value: number }>;
            }
          >;
          const checked: string[] = [];
          for (const [scenario, expected] of Object.entries(reference)) {
            const run = receiverRuns.get(scenario);
            if (!run || !expected.task) continue;
            for (const [name, { value }] of Object.entries(expected.task)) {
              expect(run.task.get(name)?.value, `${scenario} ${name}`).toBe(value);
            }
            for (const container of expected.containers ?? []) {
              for (const [name, { value }] of Object.entries(container.metrics)) {
                const actual = run.containers.get(container.name)?.get(name)?.value;
                expect(actual, `${scenario} ${container.name} ${name}`).toBe(value);
              }
            }
            checked.push(scenario);
          }
          expect(checked.length).toBeGreaterThan(0);
        });
      },
    );
  },
);
