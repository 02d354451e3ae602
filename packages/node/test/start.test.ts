import { addEcsTaskMetrics, startEcsTaskMetrics } from '@ecs-task-metrics/node';
import { metrics } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { flatten } from '../../../test/helpers.js';
import { startOtlpReceiver } from '../../../test/support/otlp-receiver.js';
import { cleanups, fixture, HOUR, NO_WAIT, onEcs, useCleanups } from './support.js';

/** Working set by the documented formula: usage minus inactive file pages. */
function expectedWorkingSets(): Record<string, number> {
  const stats = fixture('task-stats.json') as Record<string, any>;
  return Object.fromEntries(
    Object.entries(stats).map(([id, s]) => [
      id,
      s.memory_stats.usage - s.memory_stats.stats.inactive_file,
    ]),
  );
}

useCleanups();

describe('startEcsTaskMetrics', () => {
  it('exports the task metrics with the ECS resource through its own provider', async () => {
    await onEcs();
    const exporter = new InMemoryMetricExporter(AggregationTemporality.DELTA);
    const handle = await startEcsTaskMetrics({
      exporter,
      exportIntervalMillis: HOUR,
      shutdownSignals: [],
      instrumentation: NO_WAIT,
      env: {},
    });
    cleanups.push(() => handle.shutdown());

    await handle.forceFlush();
    const exported = exporter.getMetrics();
    expect(exported).toHaveLength(1);
    const points = flatten(exported[0]);
    for (const [id, workingSet] of Object.entries(expectedWorkingSets())) {
      const point = points.find(
        (p) => p.name === 'container.memory.working_set' && p.attributes['container.id'] === id,
      );
      expect(point?.value).toBe(workingSet);
    }
    const task = fixture('task.json');
    const resource = exported[0]!.resource.attributes;
    expect(resource['aws.ecs.task.arn']).toBe(task.TaskARN);
    expect(resource['aws.ecs.task.family']).toBe(task.Family);
    expect(resource['aws.ecs.launchtype']).toBe(task.LaunchType.toLowerCase());
    expect(resource['cloud.platform']).toBe('aws_ecs');
    // The global provider is the app's business.
    expect(metrics.getMeterProvider()).not.toBe(handle.meterProvider);
  });

  it('collect() reads the endpoint once without exporting', async () => {
    const emu = await onEcs();
    const exporter = new InMemoryMetricExporter(AggregationTemporality.DELTA);
    const handle = await startEcsTaskMetrics({
      exporter,
      exportIntervalMillis: HOUR,
      instrumentation: NO_WAIT,
      env: {},
    });
    cleanups.push(() => handle.shutdown());
    emu.resetCounts();
    const snapshot = await handle.collect();
    expect(emu.requestCount('/task/stats')).toBe(1);
    expect(exporter.getMetrics()).toHaveLength(0);
    const byId = Object.fromEntries(snapshot.containers.map((c) => [c.id, c.memoryWorkingSet]));
    expect(byId).toEqual(expectedWorkingSets());
  });

  it("shutdown() waits for the agent's next sample, exports it once, stops the exporter and removes its hooks", async () => {
    const emu = await onEcs();
    const listeners = () =>
      ['SIGTERM', 'SIGINT', 'beforeExit'].map((e) => process.listenerCount(e));
    const before = listeners();
    const exporter = new InMemoryMetricExporter(AggregationTemporality.DELTA);
    const handle = await startEcsTaskMetrics({ exporter, exportIntervalMillis: HOUR, env: {} });
    expect(listeners()).toEqual(before.map((n) => n + 1));
    await handle.collect(); // the sample the app has seen

    // The agent publishes its next sample a little later: 10 s more CPU at the emulator's rate.
    const seconds = 10;
    setTimeout(() => emu.advance(seconds), 300);
    await handle.shutdown();
    await handle.shutdown();

    const exported = exporter.getMetrics();
    expect(exported).toHaveLength(1);
    const stats = fixture('task-stats.json') as Record<string, any>;
    for (const [id, s] of Object.entries(stats)) {
      const cpuTime = flatten(exported[0]).find(
        (p) => p.name === 'container.cpu.time' && p.attributes['container.id'] === id,
      );
      // Delta temporality: the first export of a counter carries its whole value.
      expect(cpuTime?.value).toBeCloseTo(
        s.cpu_stats.cpu_usage.total_usage / 1e9 + emu.deltas.cpuVcpu * seconds,
        6,
      );
    }
    expect(listeners()).toEqual(before);
    const result = await new Promise<{ code: ExportResultCode }>((resolve) =>
      exporter.export(exported[0]!, resolve),
    );
    expect(result.code).toBe(ExportResultCode.FAILED);
  });

  it('exports OTLP with DELTA temporality unless the environment prefers another', async () => {
    await onEcs();
    const variable = 'OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE';
    const before = process.env[variable];
    cleanups.push(() => {
      if (before === undefined) delete process.env[variable];
      else process.env[variable] = before;
    });
    for (const [preference, expected] of [
      [undefined, 1],
      ['cumulative', 2],
    ] as const) {
      if (preference) process.env[variable] = preference;
      else delete process.env[variable];
      const receiver = await startOtlpReceiver();
      cleanups.push(() => receiver.close());
      const handle = await startEcsTaskMetrics({
        exporter: 'otlp',
        otlp: { url: receiver.metricsUrl },
        exportIntervalMillis: HOUR,
        shutdownSignals: [],
        instrumentation: NO_WAIT,
        env: {},
      });
      await handle.shutdown();
      expect(receiver.requests[0]?.contentType).toBe('application/json');
      const cpuTime = receiver.points().filter((p) => p.name === 'container.cpu.time');
      expect(cpuTime.length).toBeGreaterThan(0);
      expect(cpuTime.every((p) => p.temporality === expected)).toBe(true);
    }
  });

  it('with exporter "none" builds no reader, and collect() still works', async () => {
    await onEcs();
    const handle = await startEcsTaskMetrics({ exporter: 'none', shutdownSignals: [], env: {} });
    cleanups.push(() => handle.shutdown());
    const snapshot = await handle.collect();
    expect(snapshot.containers.map((c) => c.id)).toEqual(Object.keys(expectedWorkingSets()));
  });
});

describe('addEcsTaskMetrics', () => {
  it("adds the instruments to the app's global provider (as NodeSDK registers it) and never shuts it down", async () => {
    await onEcs();
    const exporter = new InMemoryMetricExporter(AggregationTemporality.DELTA);
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: HOUR });
    const appProvider = new MeterProvider({ readers: [reader] });
    metrics.setGlobalMeterProvider(appProvider);
    cleanups.push(async () => {
      metrics.disable();
      await appProvider.shutdown();
    });
    const appCounter = appProvider.getMeter('app').createCounter('app.requests');

    const handle = addEcsTaskMetrics({ shutdownSignals: [], instrumentation: NO_WAIT, env: {} });
    expect(handle.meterProvider).toBe(appProvider);
    appCounter.add(1);
    await handle.forceFlush();
    const names = new Set(flatten(exporter.getMetrics().at(-1)).map((p) => p.name));
    expect(names.has('container.memory.working_set')).toBe(true);
    expect(names.has('app.requests')).toBe(true);

    await handle.shutdown();
    exporter.reset();
    appCounter.add(1);
    await reader.forceFlush();
    const after = new Set(flatten(exporter.getMetrics().at(-1)).map((p) => p.name));
    // The app's provider still exports the app's own metrics; ours are gone.
    expect(after.has('app.requests')).toBe(true);
    expect(after.has('container.memory.working_set')).toBe(false);
  });
});
