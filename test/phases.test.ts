import {
  EcsTaskMetricsInstrumentation,
  type PhaseSummary,
} from '@ecs-task-metrics/instrumentation';
import { startTmdsEmulator, type TmdsEmulator } from '@ecs-task-metrics/tmds-emulator';
import { diag } from '@opentelemetry/api';
import { AggregationTemporality, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { afterEach, describe, expect, it } from 'vitest';
import { loadFixture } from '../packages/instrumentation/test/fixtures.js';
import { inMemoryProvider, recordingDiag } from './helpers.js';

const MB = 1024 * 1024;
const fixture = loadFixture;

/** A v1 memory cgroup as text files, whose numbers the test moves like a kernel would. */
function kernelFiles() {
  const dir = '/sys/fs/cgroup/memory/ecs/task/own';
  const files = new Map<string, string>([['/proc/self/cgroup', '4:memory:/ecs/task/own\n']]);
  let peak = 0;
  const set = (usage: number, inactiveFile = 0) => {
    peak = Math.max(peak, usage);
    files.set(`${dir}/memory.usage_in_bytes`, `${usage}\n`);
    files.set(`${dir}/memory.max_usage_in_bytes`, `${peak}\n`);
    files.set(`${dir}/memory.stat`, `cache 0\ntotal_inactive_file ${inactiveFile}\n`);
  };
  return { set, read: (path: string) => files.get(path), reads: () => files };
}

interface Point {
  name: string;
  value: any;
  attributes: Record<string, unknown>;
}
function points(rm: ResourceMetrics | undefined): Point[] {
  return (rm?.scopeMetrics ?? []).flatMap((sm) =>
    sm.metrics.flatMap((m) =>
      m.dataPoints.map((dp) => ({
        name: m.descriptor.name,
        value: dp.value,
        attributes: dp.attributes,
      })),
    ),
  );
}
const phasePoints = (all: Point[], name: string) =>
  all.filter((p) => p.attributes['aws.ecs.phase.name'] === name);
const one = (all: Point[], name: string) => {
  const found = all.filter((p) => p.name === name);
  if (found.length !== 1) throw new Error(`${found.length} points for ${name}`);
  return found[0]!;
};

let emu: TmdsEmulator | undefined;
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await emu?.close();
  emu = undefined;
  diag.disable();
});

const SCENARIO = 'ec2-bridge-3-containers';

/** The instrumentation in `nginx100` of the 3-container fixture task, with a scripted own cgroup. */
async function setup(config: Record<string, unknown> = {}) {
  emu = await startTmdsEmulator({ scenario: SCENARIO });
  const task = fixture(SCENARIO, 'task.json');
  const own = task.Containers.find((c: any) => c.Name === 'nginx100');
  emu.setPayload('', own); // the container metadata document of this process's container
  const kernel = kernelFiles();
  const summaries: PhaseSummary[] = [];
  const mp = inMemoryProvider(AggregationTemporality.DELTA);
  const instrumentation = new EcsTaskMetricsInstrumentation({
    endpoint: emu.url,
    readTextFile: kernel.read,
    cgroupSampleIntervalMs: 5,
    onPhaseEnd: (s) => summaries.push(s),
    ...config,
  });
  instrumentation.setMeterProvider(mp.provider);
  cleanups.push(
    () => instrumentation.disable(),
    () => mp.provider.shutdown(),
  );
  return { emu, mp, instrumentation, kernel, summaries, own, task };
}

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('measure(): phases of a batch job', () => {
  it('records duration and peaks with the phase attribute, and returns the result', async () => {
    const { mp, instrumentation, kernel, summaries, own } = await setup();
    kernel.set(100 * MB, 10 * MB);
    const result = await instrumentation.measure('load', async () => {
      kernel.set(300 * MB, 20 * MB); // the peak: between two agent samples, between two readings maybe
      await tick(30);
      kernel.set(150 * MB, 10 * MB);
      await tick(30);
      return 'rows';
    });
    expect(result).toBe('rows');
    const all = phasePoints(points(await mp.collect()), 'load');
    const attrs = { 'aws.ecs.phase.name': 'load' };
    const duration = one(all, 'aws.ecs.phase.duration');
    expect(duration.attributes).toEqual(attrs);
    expect(duration.value.count).toBe(1);
    expect(duration.value.sum).toBe(summaries[0]!.durationMs / 1000);
    // The kernel's high-water mark rose during the phase to 300 MB: that is the container's peak.
    const usagePeak = one(all, 'container.memory.usage.peak');
    expect(usagePeak.value).toBe(300 * MB);
    expect(usagePeak.attributes).toEqual({
      ...attrs,
      'container.name': own.Name,
      'container.id': own.DockerId,
    });
    expect(summaries[0]!.container.usagePeakSource).toBe('kernel');
    // The working set has no kernel peak: the highest reading (readings every 5 ms over a 30 ms plateau).
    expect(one(all, 'container.memory.working_set.peak').value).toBe(280 * MB);
    // Task: this container's peak plus the other running container's last agent sample.
    const stats = fixture(SCENARIO, 'task-stats.json');
    const others = Object.entries(stats).filter(
      ([id, s]: [string, any]) => id !== own.DockerId && s?.memory_stats,
    ) as Array<[string, any]>;
    expect(others.length).toBe(1);
    const otherUsage = others.reduce((sum, [, s]) => sum + s.memory_stats.usage, 0);
    expect(one(all, 'aws.ecs.task.memory.usage.peak').value).toBe(300 * MB + otherUsage);
    expect(one(all, 'aws.ecs.task.memory.usage.peak').attributes).toEqual(attrs);
  });

  it('nests (the inner phase names its parent) and runs in sequence', async () => {
    const { mp, instrumentation, kernel } = await setup();
    kernel.set(50 * MB);
    await instrumentation.measure('job', async () => {
      await instrumentation.measure('load', async () => kernel.set(80 * MB));
      await instrumentation.measure('score', async () => kernel.set(200 * MB));
    });
    const all = points(await mp.collect());
    const durations = all.filter((p) => p.name === 'aws.ecs.phase.duration');
    expect(
      durations
        .map((p) => p.attributes)
        .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    ).toEqual([
      { 'aws.ecs.phase.name': 'job' },
      { 'aws.ecs.phase.name': 'load', 'aws.ecs.phase.parent': 'job' },
      { 'aws.ecs.phase.name': 'score', 'aws.ecs.phase.parent': 'job' },
    ]);
    const peak = (phase: string) =>
      one(phasePoints(all, phase), 'container.memory.usage.peak').value;
    expect(peak('load')).toBe(80 * MB);
    expect(peak('score')).toBe(200 * MB);
    expect(peak('job')).toBe(200 * MB);
  });

  it('a failing phase still records, with error.type, and rethrows the same error', async () => {
    const { mp, instrumentation, kernel } = await setup();
    kernel.set(10 * MB);
    const failure = new RangeError('row 17 out of range');
    await expect(
      instrumentation.measure('write', async () => {
        kernel.set(40 * MB);
        throw failure;
      }),
    ).rejects.toBe(failure);
    const all = phasePoints(points(await mp.collect()), 'write');
    const duration = one(all, 'aws.ecs.phase.duration');
    expect(duration.attributes['error.type']).toBe('RangeError');
    expect(one(all, 'container.memory.usage.peak').value).toBe(40 * MB);
  });

  it('without the own cgroup: one diagnostic, peaks from agent samples taken during the phase only', async () => {
    const logger = recordingDiag();
    diag.setLogger(logger, { logLevel: 70 as any, suppressOverrideMessage: true });
    const stats = fixture(SCENARIO, 'task-stats.json');
    // The clock of the job is the fixture's: the phase starts right after the agent's current sample.
    const read = Date.parse(stats[Object.keys(stats)[0]!].read.replace(/\.\d+Z$/, 'Z'));
    let clock = read + 5_000;
    const { mp, instrumentation, emu, own } = await setup({
      readTextFile: () => undefined,
      now: () => clock,
    });
    await instrumentation.measure('before-any-sample', async () => {});
    await instrumentation.measure('spans-a-sample', async () => {
      emu.setMemoryUsage('nginx100', 77 * MB);
      emu.advance(10); // the agent samples during the phase
      clock += 20_000;
    });
    const all = points(await mp.collect());
    expect(phasePoints(all, 'before-any-sample').map((p) => p.name)).toEqual([
      'aws.ecs.phase.duration',
    ]);
    const spans = phasePoints(all, 'spans-a-sample');
    expect(one(spans, 'container.memory.usage.peak').value).toBe(77 * MB);
    expect(one(spans, 'container.memory.usage.peak').attributes['container.id']).toBe(own.DockerId);
    expect(one(spans, 'aws.ecs.phase.duration').value.sum).toBe(20);
    const notes = logger.messages.filter((m) => m.text.includes('own memory cgroup not readable'));
    expect(notes).toHaveLength(1);
  });

  it('off ECS (no endpoint) still measures the own cgroup', async () => {
    const kernel = kernelFiles();
    kernel.set(20 * MB);
    const mp = inMemoryProvider(AggregationTemporality.DELTA);
    const saved = process.env.ECS_CONTAINER_METADATA_URI_V4;
    delete process.env.ECS_CONTAINER_METADATA_URI_V4;
    const instrumentation = new EcsTaskMetricsInstrumentation({
      readTextFile: kernel.read,
      cgroupSampleIntervalMs: 5,
    });
    if (saved !== undefined) process.env.ECS_CONTAINER_METADATA_URI_V4 = saved;
    instrumentation.setMeterProvider(mp.provider);
    cleanups.push(
      () => instrumentation.disable(),
      () => mp.provider.shutdown(),
    );
    await instrumentation.measure('local', async () => kernel.set(64 * MB));
    const all = phasePoints(points(await mp.collect()), 'local');
    expect(one(all, 'container.memory.usage.peak').value).toBe(64 * MB);
    expect(all.some((p) => p.name === 'aws.ecs.task.memory.usage.peak')).toBe(false);
  });

  it('when disabled only runs the callback', async () => {
    const { mp, instrumentation } = await setup();
    instrumentation.disable();
    expect(await instrumentation.measure('x', () => 7)).toBe(7);
    expect(phasePoints(points(await mp.collect()), 'x')).toEqual([]);
  });
});
