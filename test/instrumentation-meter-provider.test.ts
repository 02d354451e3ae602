import { readFileSync } from 'node:fs';
import {
  EcsTaskMetricsInstrumentation,
  PACKAGE_NAME,
  PACKAGE_VERSION,
} from '@ecs-task-metrics/instrumentation';
import { startTmdsEmulator, type TmdsEmulator } from '@ecs-task-metrics/tmds-emulator';
import { context, DiagLogLevel, diag, metrics } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { isTracingSuppressed } from '@opentelemetry/core';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { AggregationTemporality } from '@opentelemetry/sdk-metrics';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadFixture } from '../packages/instrumentation/test/fixtures.js';
import { flatten, inMemoryProvider, pointValue, recordingDiag } from './helpers.js';

const fixture = loadFixture;

const OUR_METRICS = new Set([
  'container.memory.usage',
  'container.memory.working_set',
  'container.memory.usage.max',
  'container.memory.limit',
  'container.memory.utilization',
  'container.cpu.usage',
  'container.cpu.utilization',
  'container.cpu.time',
  'container.disk.io',
  'container.network.io',
  'container.uptime',
  'aws.ecs.task.memory.usage',
  'aws.ecs.task.memory.working_set',
  'aws.ecs.task.memory.limit',
  'aws.ecs.task.memory.utilization',
  'aws.ecs.task.cpu.usage',
  'aws.ecs.task.cpu.limit',
  'aws.ecs.task.cpu.utilization',
  'aws.ecs.task.network.io',
  'aws.ecs.task.ephemeral_storage.usage',
  'aws.ecs.task.ephemeral_storage.limit',
  // Lifecycle, from /task: every container, stopped ones too.
  'aws.ecs.container.status',
  'aws.ecs.container.exit_code',
  'aws.ecs.container.restart.count',
  'aws.ecs.task.startup.duration',
  'aws.ecs.task.image_pull.duration',
]);

/** Lifecycle metrics, the only ones a stopped container still reports. */
const LIFECYCLE = new Set(['aws.ecs.container.status', 'aws.ecs.container.exit_code']);

let emu: TmdsEmulator | undefined;
const cleanups: Array<() => unknown> = [];

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  return () => context.disable();
});

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await emu?.close();
  emu = undefined;
  diag.disable();
});

async function setup(scenario: string, config = {}) {
  emu = await startTmdsEmulator({ scenario });
  const mp = inMemoryProvider();
  const instrumentation = new EcsTaskMetricsInstrumentation({ endpoint: emu.url, ...config });
  instrumentation.setMeterProvider(mp.provider);
  cleanups.push(
    () => instrumentation.disable(),
    () => mp.provider.shutdown(),
  );
  return { emu, mp, instrumentation };
}

describe('on a real MeterProvider from @opentelemetry/sdk-metrics', () => {
  it("adds its instruments beside the user's own, under a meter named after the package", async () => {
    const { mp } = await setup('ec2-bridge-3-containers');
    const userCounter = mp.provider.getMeter('my-app').createCounter('http.requests');
    userCounter.add(3);
    const points = flatten(await mp.collect());
    expect(pointValue(points, 'http.requests')).toBe(3);
    const ours = points.filter((p) => p.scope === PACKAGE_NAME);
    // nginx300 has no CPU reservation and the task has no size: no task CPU limit, so no task utilization.
    const expected = new Set(OUR_METRICS);
    expected.delete('aws.ecs.task.cpu.limit');
    expected.delete('aws.ecs.task.cpu.utilization');
    // No container of the fixture has a RestartCount (no restart policy).
    expected.delete('aws.ecs.container.restart.count');
    expect(new Set(ours.map((p) => p.name))).toEqual(expected);
    const pkg = JSON.parse(
      readFileSync(new URL('../packages/instrumentation/package.json', import.meta.url), 'utf8'),
    );
    expect(PACKAGE_NAME).toBe(pkg.name);
    expect(
      ours.every((p) => p.scopeVersion === pkg.version && p.scopeVersion === PACKAGE_VERSION),
    ).toBe(true);
  });

  it('exports the values the formulas give for the served scenario', async () => {
    const { mp } = await setup('ec2-bridge-3-containers');
    const stats = fixture('ec2-bridge-3-containers', 'task-stats.json');
    const task = fixture('ec2-bridge-3-containers', 'task.json');
    const points = flatten(await mp.collect());
    for (const [id, s] of Object.entries(stats) as Array<[string, any]>) {
      const meta = task.Containers.find((c: any) => c.DockerId === id);
      const attrs = { 'container.id': id, 'container.name': meta.Name };
      if (Object.keys(s).length === 0) {
        const own = points.filter((p) => p.attributes['container.id'] === id);
        expect(own.filter((p) => !LIFECYCLE.has(p.name))).toEqual([]);
        expect(pointValue(points, 'aws.ecs.container.exit_code', attrs)).toBe(meta.ExitCode);
        continue;
      }
      const ws = s.memory_stats.usage - s.memory_stats.stats.total_inactive_file;
      expect(pointValue(points, 'container.memory.working_set', attrs)).toBe(ws);
      expect(pointValue(points, 'container.memory.usage.max', attrs)).toBe(
        s.memory_stats.max_usage,
      );
      expect(pointValue(points, 'container.cpu.time', attrs)).toBe(
        s.cpu_stats.cpu_usage.total_usage / 1e9,
      );
      const reads = s.blkio_stats.io_service_bytes_recursive
        .filter((e: any) => e.op === 'Read')
        .reduce((a: number, e: any) => a + e.value, 0);
      expect(
        pointValue(points, 'container.disk.io', { ...attrs, 'disk.io.direction': 'read' }),
      ).toBe(reads);
    }
    const units = new Map(points.map((p) => [p.name, p.unit]));
    expect(units.get('container.memory.usage')).toBe('By');
    expect(units.get('container.cpu.usage')).toBe('{cpu}');
    expect(units.get('container.memory.utilization')).toBe('1');
    expect(units.get('container.cpu.time')).toBe('s');
  });

  it('makes exactly one /task/stats request per collection, however many instruments', async () => {
    const { emu, mp } = await setup('fargate-2-containers');
    for (let i = 1; i <= 3; i++) {
      await mp.collect();
      expect(emu.requestCount('/task/stats')).toBe(i);
    }
    // /task is read once while the set of running containers stays the same.
    expect(emu.requestCount('/task')).toBe(1);
  });

  it('concurrent collections share one in-flight request', async () => {
    const { emu, instrumentation } = await setup('fargate-2-containers');
    emu.setFault({ kind: 'latency', ms: 200, paths: ['/task/stats'] });
    const [a, b] = await Promise.all([instrumentation.collect(), instrumentation.collect()]);
    expect(a).toBe(b);
    expect(emu.requestCount('/task/stats')).toBe(1);
  });

  it('re-reads /task when the set of running containers changes; a stopped one reports only its lifecycle', async () => {
    // DELTA: with CUMULATIVE the SDK itself keeps re-exporting a series' last value after it stops being
    // observed (its TemporalMetricProcessor merges every past collection), whatever the callback reports.
    emu = await startTmdsEmulator({ scenario: 'ec2-bridge-3-containers' });
    const mp = inMemoryProvider(AggregationTemporality.DELTA);
    const instrumentation = new EcsTaskMetricsInstrumentation({ endpoint: emu.url });
    instrumentation.setMeterProvider(mp.provider);
    cleanups.push(
      () => instrumentation.disable(),
      () => mp.provider.shutdown(),
    );
    await mp.collect();
    expect(emu.requestCount('/task')).toBe(1);
    emu.stopContainer('nginx300', { exitCode: 1 });
    const points = flatten(await mp.collect());
    expect(emu.requestCount('/task')).toBe(2);
    const nginx300 = points.filter((p) => p.attributes['container.name'] === 'nginx300');
    expect(new Set(nginx300.map((p) => p.name))).toEqual(LIFECYCLE);
    const attrs = { 'container.name': 'nginx300' };
    expect(pointValue(points, 'aws.ecs.container.exit_code', attrs)).toBe(1);
    expect(
      pointValue(points, 'aws.ecs.container.status', {
        ...attrs,
        'aws.ecs.container.known_status': 'stopped',
      }),
    ).toBe(1);
  });

  it('works through registerInstrumentations, as NodeSDK registers it', async () => {
    emu = await startTmdsEmulator({ scenario: 'fargate-2-containers' });
    const mp = inMemoryProvider();
    const unregister = registerInstrumentations({
      instrumentations: [new EcsTaskMetricsInstrumentation({ endpoint: emu.url })],
      meterProvider: mp.provider,
    });
    cleanups.push(unregister, () => mp.provider.shutdown());
    const points = flatten(await mp.collect());
    expect(points.some((p) => p.name === 'aws.ecs.task.memory.limit')).toBe(true);
  });

  it('uses the global MeterProvider by default and reads the endpoint from the environment', async () => {
    emu = await startTmdsEmulator({ scenario: 'fargate-2-containers' });
    const mp = inMemoryProvider();
    metrics.setGlobalMeterProvider(mp.provider);
    process.env.ECS_CONTAINER_METADATA_URI_V4 = emu.url;
    const inst = new EcsTaskMetricsInstrumentation();
    cleanups.push(
      () => inst.disable(),
      () => metrics.disable(),
      () => delete process.env.ECS_CONTAINER_METADATA_URI_V4,
      () => mp.provider.shutdown(),
    );
    const task = fixture('fargate-2-containers', 'task.json');
    const points = flatten(await mp.collect());
    expect(pointValue(points, 'aws.ecs.task.memory.limit')).toBe(task.Limits.Memory * 1024 * 1024);
    expect(pointValue(points, 'aws.ecs.task.cpu.limit')).toBe(task.Limits.CPU);
  });

  it('disable() removes the batch callback; enable() puts it back', async () => {
    const { emu, mp, instrumentation } = await setup('fargate-2-containers');
    instrumentation.disable();
    const none = flatten(await mp.collect()).filter((p) => p.scope === PACKAGE_NAME);
    expect(none).toEqual([]);
    expect(emu.requestCount('/task/stats')).toBe(0);
    instrumentation.enable();
    const some = flatten(await mp.collect()).filter((p) => p.scope === PACKAGE_NAME);
    expect(some.length).toBeGreaterThan(0);
    expect(emu.requestCount('/task/stats')).toBe(1);
  });

  it('moves its callback when given another MeterProvider', async () => {
    const { emu, mp, instrumentation } = await setup('fargate-2-containers');
    const next = inMemoryProvider();
    cleanups.push(() => next.provider.shutdown());
    instrumentation.setMeterProvider(next.provider);
    expect(flatten(await mp.collect()).filter((p) => p.scope === PACKAGE_NAME)).toEqual([]);
    expect(flatten(await next.collect()).some((p) => p.scope === PACKAGE_NAME)).toBe(true);
    expect(emu.requestCount('/task/stats')).toBe(1);
  });

  it('polls with tracing suppressed, so HTTP instrumentation makes no span per poll', async () => {
    const seen: boolean[] = [];
    const { mp } = await setup('fargate-2-containers', {
      fetch: (input: string | URL | Request, init?: RequestInit) => {
        seen.push(isTracingSuppressed(context.active()));
        return fetch(input, init);
      },
    });
    await mp.collect();
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every(Boolean)).toBe(true);
  });
});

describe('faults: that cycle reports nothing, the next recovers', () => {
  const faults = [
    { name: '500', fault: { kind: 'status', status: 500 }, cause: 'http-status' },
    { name: '429', fault: { kind: 'status', status: 429 }, cause: 'rate-limited' },
    { name: '404', fault: { kind: 'status', status: 404 }, cause: 'http-status' },
    { name: 'connection reset', fault: { kind: 'reset' }, cause: 'connection' },
    { name: 'malformed JSON', fault: { kind: 'malformed' }, cause: 'malformed-response' },
    { name: 'truncated JSON', fault: { kind: 'truncated' }, cause: 'malformed-response' },
    { name: 'timeout', fault: { kind: 'latency', ms: 1500 }, cause: 'timeout' },
  ] as const;

  it.each(faults)('$name', async ({ fault, cause }) => {
    const logger = recordingDiag();
    diag.setLogger(logger, DiagLogLevel.WARN);
    const { emu, mp, instrumentation } = await setup('fargate-2-containers', { timeoutMs: 300 });
    emu.setFault({ ...fault, paths: ['/task/stats'], count: 2 } as never);
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    cleanups.push(() => process.off('unhandledRejection', onUnhandled));

    for (let i = 0; i < 2; i++) {
      const ours = flatten(await mp.collect()).filter((p) => p.scope === PACKAGE_NAME);
      // No task metrics; only the self-metric counting the failure (see docs/metrics.md).
      expect(ours.filter((p) => !p.name.startsWith('ecs_task_metrics.'))).toEqual([]);
      expect(instrumentation.lastFailure?.kind).toBe(cause);
    }
    // Two failures of one kind: one diagnostic (rate-limited).
    const warnings = logger.messages.filter((m) => m.text.includes('not collected'));
    expect(warnings).toHaveLength(1);

    const recovered = flatten(await mp.collect()).filter((p) => p.scope === PACKAGE_NAME);
    expect(recovered.length).toBeGreaterThan(0);
    expect(instrumentation.lastFailure).toBeUndefined();
    expect(unhandled).toEqual([]);
  });
});

describe('off ECS', () => {
  it('warns once through diag, registers nothing and never throws', async () => {
    const logger = recordingDiag();
    diag.setLogger(logger, DiagLogLevel.WARN);
    delete process.env.ECS_CONTAINER_METADATA_URI_V4;
    const mp = inMemoryProvider();
    const inst = new EcsTaskMetricsInstrumentation();
    inst.setMeterProvider(mp.provider);
    cleanups.push(
      () => inst.disable(),
      () => mp.provider.shutdown(),
    );
    const ours = flatten(await mp.collect()).filter((p) => p.scope === PACKAGE_NAME);
    expect(ours).toEqual([]);
    const warnings = logger.messages.filter((m) => m.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.text).toContain('ECS_CONTAINER_METADATA_URI_V4');
    await expect(inst.collect()).rejects.toMatchObject({ kind: 'no-endpoint' });
  });
});
