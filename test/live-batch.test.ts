import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { EcsTaskMetricsInstrumentation } from '@ecs-task-metrics/instrumentation';
import { type LiveTmdsEmulator, startLiveEmulator } from '@ecs-task-metrics/tmds-emulator';
import { AggregationTemporality } from '@opentelemetry/sdk-metrics';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { flatten, inMemoryProvider, pointValue } from './helpers.js';
import { buildProject, liveCgroupsSkipReason } from './live-helpers.js';

const MB = 1024 * 1024;
const JOB = fileURLToPath(new URL('./live/phase-job.mjs', import.meta.url));
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const skip = liveCgroupsSkipReason();

let emu: LiveTmdsEmulator | undefined;
afterEach(async () => {
  // Always: kills what is left and removes the cgroups, also when the test failed.
  await emu?.close();
  emu = undefined;
});

beforeAll(() => {
  if (skip) return;
  buildProject(ROOT);
});

/** `memory_stats.usage` of the one container in a live `/task/stats` answer. */
async function agentSample(server: LiveTmdsEmulator) {
  const stats = (await (await fetch(`${server.url}/task/stats`)).json()) as any;
  const entry = stats[server.dockerId];
  return { read: entry.read as string, usage: entry.memory_stats.usage as number };
}

describe.skipIf(skip)('live emulator: a batch job in a real cgroup', () => {
  it("a peak between two agent samples: the phase's peak is the kernel's, the samples miss it", async () => {
    const allocMb = 256;
    const holdMs = 300;
    // sampleIntervalMs 0: the agent samples only at start and when the test says, so the spike is between two.
    const server = await startLiveEmulator({
      command: [process.execPath, JOB],
      sampleIntervalMs: 0,
      env: { ALLOC_MB: String(allocMb), HOLD_MS: String(holdMs) },
    });
    emu = server;
    const lines = createInterface({ input: server.child.stdout! })[Symbol.asyncIterator]();
    expect((await lines.next()).value).toBe('ready');
    server.sample();
    const before = await agentSample(server);
    server.child.stdin!.write('go\n');
    const result = JSON.parse((await lines.next()).value as string);
    server.sample();
    const after = await agentSample(server);
    const kernelMax = Number(server.readMemoryFile('memory.max_usage_in_bytes'));
    server.child.stdin!.end();
    expect((await server.exited).exitCode).toBe(0);

    const summary = result.summaries[0];
    const peakPoint = result.points.find((p: any) => p.name === 'container.memory.usage.peak');
    expect(peakPoint.attributes).toMatchObject({
      'aws.ecs.phase.name': 'allocate',
      'container.name': 'app',
      'container.id': server.dockerId,
    });
    expect(peakPoint.value).toBe(summary.container.usagePeak);
    expect(summary.container.usagePeakSource).toBe('kernel');
    expect(peakPoint.value).toBeGreaterThanOrEqual(0.99 * kernelMax);
    expect(peakPoint.value).toBeLessThanOrEqual(kernelMax);
    // The premise: the child's allocation is in the kernel's mark, and neither agent sample saw it.
    expect(kernelMax).toBeGreaterThan(allocMb * MB);
    expect(Math.max(before.usage, after.usage)).toBeLessThan(kernelMax - (allocMb * MB) / 2);

    const report = process.env.ECS_TASK_METRICS_ACCURACY_REPORT;
    if (report) {
      const pointSample = Math.max(before.usage, after.usage);
      const minuteOfSamples = (before.usage + after.usage) / 2;
      writeFileSync(
        report,
        `${JSON.stringify(
          {
            allocMb,
            holdMs,
            phaseDurationMs: summary.durationMs,
            kernelMaxUsage: kernelMax,
            phasePeak: peakPoint.value,
            phasePeakSource: summary.container.usagePeakSource,
            sampledUsagePeak: summary.container.sampledUsagePeak,
            cgroupReadings: summary.container.cgroupReadings,
            workingSetPeak: summary.container.workingSetPeak,
            agentSampleBefore: before,
            agentSampleAfter: after,
            pointSample,
            oneMinuteAverageOfSamples: minuteOfSamples,
            // Even an exact time-weighted average over the minute holding the phase stays below this.
            oneMinuteAverageUpperBound:
              minuteOfSamples + (kernelMax - minuteOfSamples) * (summary.durationMs / 60_000),
          },
          null,
          2,
        )}\n`,
      );
    }
  });

  it('a container killed by its memory limit shows up as stopped with exit code 137 in the lifecycle metrics', async () => {
    const limit = 64 * MB;
    const server = await startLiveEmulator({
      command: [
        process.execPath,
        '-e',
        'const a = []; for (let i = 0; i < 64; i++) a.push(Buffer.alloc(8 * 1024 * 1024, 1));',
      ],
      memoryLimitBytes: limit,
      containerName: 'scorer',
      sampleIntervalMs: 100,
    });
    emu = server;
    // A sidecar's view: an instrumentation reading the same task's endpoint.
    const mp = inMemoryProvider(AggregationTemporality.DELTA);
    const sidecar = new EcsTaskMetricsInstrumentation({ endpoint: server.url });
    sidecar.setMeterProvider(mp.provider);
    try {
      const exit = await server.exited;
      expect(exit.signal).toBe('SIGKILL');
      expect(exit.exitCode).toBe(137);
      // The kernel's own account: the memory limit killed it.
      expect(server.readMemoryFile('memory.oom_control')).toMatch(/^oom_kill [1-9]\d*$/m);
      const points = flatten(await mp.collect());
      const attrs = { 'container.name': 'scorer', 'container.id': server.dockerId };
      expect(pointValue(points, 'aws.ecs.container.exit_code', attrs)).toBe(137);
      expect(
        pointValue(points, 'aws.ecs.container.status', {
          ...attrs,
          'aws.ecs.container.known_status': 'stopped',
        }),
      ).toBe(1);
      // A stopped container reports no stats points, only its lifecycle.
      expect(points.some((p) => p.name === 'container.memory.usage')).toBe(false);
    } finally {
      sidecar.disable();
      await mp.provider.shutdown();
    }
  });
});
