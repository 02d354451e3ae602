import { EcsTaskMetricsInstrumentation } from '@ecs-task-metrics/instrumentation';
import { startTmdsEmulator, type TmdsEmulator } from '@ecs-task-metrics/tmds-emulator';
import { diag } from '@opentelemetry/api';
import { AggregationTemporality } from '@opentelemetry/sdk-metrics';
import { afterEach, describe, expect, it } from 'vitest';
import { flatten, inMemoryProvider, pointValue, recordingDiag } from './helpers.js';

const MB = 1024 * 1024;
const SCENARIO = 'ec2-bridge-3-containers';
const APP = { 'container.name': 'nginx100' };

let emu: TmdsEmulator | undefined;
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await emu?.close();
  emu = undefined;
  diag.disable();
});

const readMs = (rfc3339: string) => {
  const [, base, fraction = ''] = /^(.*?)(?:\.(\d+))?Z$/.exec(rfc3339)!;
  return Date.parse(`${base}Z`) + Number(`0.${fraction || '0'}`) * 1000;
};

/**
 * The agent of this test samples once, after the flush's second poll: a scripted timeline, with every request
 * still answered by the emulator. `fetch` only observes, so the schedule does not depend on wall-clock time.
 */
async function setup(options: { sampleAfterPoll?: number; flushTimeoutMs?: number } = {}) {
  emu = await startTmdsEmulator({ scenario: SCENARIO, rateLimit: true });
  const server = emu;
  let statsRequests = 0;
  let sampleAt: number | undefined;
  const agentSample = () => {
    server.setMemoryUsage('nginx100', 321 * MB); // the job's final state, seen by the agent's next sample
    server.advance(10);
  };
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const response = await globalThis.fetch(input, init);
    if (String(input).endsWith('/task/stats')) {
      statsRequests++;
      if (sampleAt !== undefined && statsRequests === sampleAt) agentSample();
    }
    return response;
  };
  const mp = inMemoryProvider(AggregationTemporality.DELTA);
  const instrumentation = new EcsTaskMetricsInstrumentation({
    endpoint: emu.url,
    fetch,
    flushTimeoutMs: options.flushTimeoutMs,
  });
  instrumentation.setMeterProvider(mp.provider);
  cleanups.push(
    () => instrumentation.disable(),
    () => mp.provider.shutdown(),
  );
  const currentStats = async () =>
    (await (await globalThis.fetch(`${server.url}/task/stats`)).json()) as any;
  return {
    emu,
    mp,
    instrumentation,
    currentStats,
    /** The agent samples right after the `n`-th /task/stats request from now on. */
    sampleAfter: (n: number) => {
      sampleAt = statsRequests + n;
    },
  };
}

describe('flush(): waits for the next agent sample instead of sleeping', () => {
  it('returns once a newer sample arrives and exports exactly that sample', async () => {
    const { emu, mp, instrumentation, currentStats, sampleAfter } = await setup();
    await mp.collect(); // the job's last regular collection
    const before = await currentStats();
    const newestRead = Math.max(
      ...Object.values(before).flatMap((s: any) => (s?.read ? [readMs(s.read)] : [])),
    );
    emu.resetCounts();
    mp.exporter.reset();
    sampleAfter(2); // the flush's 2nd poll still sees the old sample; the agent samples just after it
    const result = await instrumentation.flush();
    expect(result.fresh).toBe(true);
    expect(result.polls).toBe(3);
    // 3 polls and nothing more: the export reused the fresh answer instead of reading again.
    expect(emu.requestCount('/task/stats')).toBe(3);
    // The sample exported is the agent's next one: `read` one advance (10 s) after the last one seen.
    expect(result.readAt).toBe(newestRead + 10_000);
    expect(mp.exporter.getMetrics()).toHaveLength(1);
    const points = flatten(mp.exporter.getMetrics()[0]);
    expect(pointValue(points, 'container.memory.usage', APP)).toBe(321 * MB);
  });

  it('is bounded: without a new sample it gives up after flushTimeoutMs and exports the last one', async () => {
    const logger = recordingDiag();
    diag.setLogger(logger, { logLevel: 70 as any, suppressOverrideMessage: true });
    const { emu, mp, instrumentation } = await setup({ flushTimeoutMs: 400 });
    await mp.collect();
    emu.resetCounts();
    mp.exporter.reset();
    const result = await instrumentation.flush();
    expect(result.fresh).toBe(false);
    // Backoff from 100 ms doubling: at most 100 + 200 + (the rest) within 400 ms, so at most 3 polls.
    expect(result.polls).toBeGreaterThanOrEqual(1);
    expect(result.polls).toBeLessThanOrEqual(3);
    expect(emu.requestCount('/task/stats')).toBe(result.polls);
    expect(
      pointValue(flatten(mp.exporter.getMetrics().at(-1)), 'container.memory.usage', APP),
    ).toBeGreaterThan(0);
    expect(logger.messages.some((m) => m.text.includes('no new agent sample in time'))).toBe(true);
    // The agent's rate limiter (on in this emulator) never answered 429.
    expect(logger.messages.some((m) => m.text.includes('429'))).toBe(false);
  });

  it('without an earlier collection, the first answer is the baseline; shutdown() flushes then disables', async () => {
    const { emu, mp, instrumentation, sampleAfter } = await setup();
    mp.exporter.reset();
    sampleAfter(1); // the agent samples right after the baseline read
    const result = await instrumentation.shutdown();
    expect(result).toMatchObject({ fresh: true, polls: 2 });
    expect(emu.requestCount('/task/stats')).toBe(2);
    expect(
      pointValue(flatten(mp.exporter.getMetrics().at(-1)), 'container.memory.usage', APP),
    ).toBe(321 * MB);
    emu.resetCounts();
    await mp.collect();
    expect(emu.requestCount('/task/stats')).toBe(0); // disabled
  });
});
