/*
 * The TMDS side of the fault matrix (docs/reliability.md): every fault the task metadata endpoint can show, with
 * the host Express app serving requests in the same process throughout. For each fault: every app request
 * succeeds, the failed collections export no task metrics and count the failure in the self-metric, nothing
 * is left unhandled, internal state stays bounded, and once the fault clears the values are the formulas' again.
 * Latencies are recorded (RELIABILITY_LATENCY_FILE) for the documentation, never asserted.
 */
import type { EmulatorFault } from '@ecs-task-metrics/tmds-emulator';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { windowNanos } from '../../packages/instrumentation/test/fixtures.js';
import { type FlatPoint, pointValue } from '../helpers.js';
import { probe, startHostApp } from './support/host-app.js';
import { internalSizes } from './support/instrumentation-internals.js';
import { reportLatency } from './support/latency-report.js';
import { type ProcessEvents, watchProcess } from './support/process-guards.js';
import {
  type Rig,
  type RigOptions,
  selfErrors,
  servedDocuments,
  startRig,
  taskPoints,
} from './support/tmds-rig.js';

let events: ProcessEvents;
let rig: Rig | undefined;

beforeAll(async () => {
  events = watchProcess();
  // Warm up Express and the HTTP client, then measure the app alone: the reference row of the table.
  const app = await startHostApp();
  await probe(app, { min: APP_REQUESTS, max: APP_REQUESTS });
  reportLatency(
    'app alone (no instrumentation)',
    (await probe(app, { min: APP_REQUESTS, max: APP_REQUESTS })).latencies,
  );
  await app.close();
});
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});
afterAll(() => {
  events.dispose();
  expect(events.unhandledRejections).toEqual([]);
  expect(events.uncaughtExceptions).toEqual([]);
});

async function setup(options: RigOptions = {}): Promise<Rig> {
  rig = await startRig(options);
  return rig;
}

const running = (stats: any) =>
  Object.entries(stats as Record<string, any>).filter(([, s]) => s && Object.keys(s).length > 0);

function attrsOf(task: any, id: string, s: any) {
  const meta = task.Containers.find((c: any) => c.DockerId === id);
  return { 'container.id': id, 'container.name': meta?.Name ?? s.name.replace(/^\//, '') };
}

/** The gauges of one collection against the documented formulas applied to what the emulator served. */
function expectFormulaGauges(points: FlatPoint[], docs: { stats: any; task: any }): void {
  const live = running(docs.stats);
  expect(live.length).toBeGreaterThan(0);
  for (const [id, s] of live) {
    const attrs = attrsOf(docs.task, id, s);
    const m = s.memory_stats;
    const inactive =
      m.stats.anon !== undefined ? m.stats.inactive_file : m.stats.total_inactive_file;
    expect(pointValue(points, 'container.memory.usage', attrs)).toBe(m.usage);
    expect(pointValue(points, 'container.memory.working_set', attrs)).toBe(m.usage - inactive);
    const vcpu =
      (s.cpu_stats.cpu_usage.total_usage - s.precpu_stats.cpu_usage.total_usage) /
      windowNanos(s.read, s.preread);
    expect(pointValue(points, 'container.cpu.usage', attrs)).toBeCloseTo(vcpu, 9);
  }
  // No usage for a container that is not running (lifecycle metrics, aws.ecs.container.*, do report it).
  const liveIds = new Set(live.map(([id]) => id));
  const ids = new Set(
    points.filter((p) => p.name.startsWith('container.')).map((p) => p.attributes['container.id']),
  );
  expect([...ids].every((id) => liveIds.has(id as string))).toBe(true);
}

/**
 * After a fault: two collections whose values are the formulas' again, counters as true deltas. `tick` runs
 * before every request (the rate-limit row moves the limiter's clock with it).
 */
async function expectRightAgain(r: Rig, tick: () => void = () => {}): Promise<void> {
  r.emu.advance(1);
  tick();
  const before = await servedDocuments(r.emu);
  tick();
  expectFormulaGauges(await r.collect(), before);
  expect(r.instrumentation.lastFailure).toBeUndefined();
  r.emu.advance(1);
  tick();
  const after = await servedDocuments(r.emu);
  tick();
  const points = await r.collect();
  expectFormulaGauges(points, after);
  for (const [id, s] of running(after.stats)) {
    const was = before.stats[id].cpu_stats.cpu_usage.total_usage;
    expect(pointValue(points, 'container.cpu.time', attrsOf(after.task, id, s))).toBeCloseTo(
      (s.cpu_stats.cpu_usage.total_usage - was) / 1e9,
      9,
    );
  }
}

interface FaultWindow {
  collections: FlatPoint[][];
  appRequests: number;
}

/** App requests per fault: enough for a p99, few enough for CI. */
const APP_REQUESTS = 400;

/**
 * Collections one after another (at least `count`) while the host app serves a
 * bounded loop of {@link APP_REQUESTS} requests. Asserts every app request succeeded; records the latencies.
 */
async function underLoad(r: Rig, fault: string, count: number): Promise<FaultWindow> {
  const collections: FlatPoint[][] = [];
  let probing = true;
  const collecting = (async () => {
    while (collections.length < count || probing) collections.push(await r.collect());
  })();
  const load = await probe(r.app, { min: APP_REQUESTS, max: APP_REQUESTS }).finally(() => {
    probing = false;
  });
  await collecting;
  expect(load.failed).toBe(0);
  expect(load.ok).toBe(load.latencies.length);
  reportLatency(fault, load.latencies);
  return { collections, appRequests: load.ok };
}

/** What every failing window must show. */
function expectFailedQuietly(r: Rig, window: FaultWindow, errorType: string, path = '/task/stats') {
  for (const points of window.collections) expect(taskPoints(points)).toEqual([]);
  const counted = window.collections.reduce(
    (a, points) => a + selfErrors(points, { 'error.type': errorType, 'url.path': path }),
    0,
  );
  expect(counted).toBe(window.collections.length);
  // One diagnostic for the whole run of failures (rate-limited), not one per collection.
  expect(r.logger.messages.filter((m) => m.text.includes('not collected'))).toHaveLength(1);
  const sizes = internalSizes(r.instrumentation);
  expect(sizes.inflight).toBe(0);
  expect(sizes.diagnosticKinds).toBeLessThanOrEqual(2);
  // ec2-bridge-3-containers runs two containers: the peak tracker holds no more.
  expect(sizes.peaks).toBeLessThanOrEqual(2);
}

describe('TMDS fault matrix, with the host app serving throughout', () => {
  it('baseline: no fault', async () => {
    const r = await setup();
    const window = await underLoad(r, 'none (baseline)', 10);
    for (const points of window.collections) {
      expect(taskPoints(points).length).toBeGreaterThan(0);
      expect(selfErrors(points)).toBe(0);
    }
    await expectRightAgain(r);
  });

  const simple: Array<{ name: string; fault: EmulatorFault; errorType: string }> = [
    { name: '500 from the agent', fault: { kind: 'status', status: 500 }, errorType: '500' },
    { name: '503 on the way', fault: { kind: 'status', status: 503 }, errorType: '503' },
    {
      name: '404 after the task stopped',
      fault: { kind: 'status', status: 404 },
      errorType: '404',
    },
    { name: '429 answers', fault: { kind: 'status', status: 429 }, errorType: '429' },
    { name: 'connection reset', fault: { kind: 'reset' }, errorType: 'connection' },
    { name: 'malformed JSON', fault: { kind: 'malformed' }, errorType: 'malformed-response' },
    { name: 'truncated JSON', fault: { kind: 'truncated' }, errorType: 'malformed-response' },
    {
      name: 'slow past the timeout',
      fault: { kind: 'latency', ms: 2_000 },
      errorType: 'timeout',
    },
  ];

  it.each(simple)('$name', async ({ name, fault, errorType }) => {
    const r = await setup();
    await r.collect();
    r.emu.setFault(fault);
    const window = await underLoad(r, name, 5);
    expectFailedQuietly(r, window, errorType);
    expect(r.emu.requestCount('/task/stats')).toBeGreaterThanOrEqual(1 + window.collections.length);
    r.emu.setFault(undefined);
    await expectRightAgain(r);
  });

  it('TMDS down (connection refused), then back', async () => {
    const r = await setup();
    await r.collect();
    await r.emu.close();
    const window = await underLoad(r, 'TMDS down', 5);
    expectFailedQuietly(r, window, 'connection');
    await r.restartEmulator();
    await expectRightAgain(r);
  });

  it('TMDS hangs: no app request waits on the pending TMDS call', async () => {
    // The answer is held far longer than the test runs, so the order below does not depend on speed.
    const r = await setup({ timeoutMs: 600_000 });
    await r.collect();
    r.emu.setFault({ kind: 'latency', ms: 600_000, paths: ['/task/stats'] });
    let settled = false;
    const pending = r.collect().finally(() => {
      settled = true;
    });
    for (let i = 0; i < 100 && r.emu.requestCount('/task/stats') < 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(r.emu.requestCount('/task/stats')).toBe(2);
    const load = await probe(r.app, { min: APP_REQUESTS, max: APP_REQUESTS });
    reportLatency('TMDS hangs (answer held)', load.latencies);
    // Every app request was served while the collection was still waiting on TMDS.
    expect(load.ok).toBe(APP_REQUESTS);
    expect(settled).toBe(false);
    // The agent goes away: the held request fails, the collection reports nothing.
    await r.emu.close();
    expect(taskPoints(await pending)).toEqual([]);
    expect(r.instrumentation.lastFailure?.kind).toBe('connection');
    await r.restartEmulator();
    await expectRightAgain(r);
  });

  it('429 bursts from the rate limiter (agent behaviour, burst 3)', async () => {
    let now = Date.parse('2026-06-01T00:00:00Z');
    const burst = 3;
    const r = await setup({
      emulator: { rateLimit: { requestsPerSecond: 1, burst }, now: () => now },
    });
    // The limiter counts per path: the first collection takes one /task/stats token.
    await r.collect();
    // The limiter's clock stands still: no token comes back during the storm.
    const window = await underLoad(r, '429 burst (rate limiter)', 8);
    const limited = window.collections.filter((points) => taskPoints(points).length === 0);
    // Tokens left: burst - 1; every collection beyond them is refused, reports nothing and is counted.
    expect(limited).toHaveLength(window.collections.length - (burst - 1));
    expect(window.collections.slice(burst - 1)).toEqual(limited);
    const counted = window.collections.reduce(
      (a, points) => a + selfErrors(points, { 'error.type': '429' }),
      0,
    );
    expect(counted).toBe(limited.length);
    // The bucket refills as time passes: recovery.
    await expectRightAgain(r, () => {
      now += 60_000;
    });
  });

  it('a /task failure alone: stats are still reported, the failure is counted on /task', async () => {
    const r = await setup();
    r.emu.setFault({ kind: 'status', status: 500, paths: ['/task'] });
    const window = await underLoad(r, '/task answers 500', 3);
    for (const points of window.collections) {
      expect(taskPoints(points).some((p) => p.name === 'container.memory.usage')).toBe(true);
    }
    // No /task: names fall back to the Docker names from the stats.
    const names = new Set(
      taskPoints(window.collections[0]!).map((p) => p.attributes['container.name']),
    );
    expect([...names].filter(Boolean).every((n) => String(n).startsWith('ecs-'))).toBe(true);
    expect(
      window.collections.reduce(
        (a, points) => a + selfErrors(points, { 'error.type': '500', 'url.path': '/task' }),
        0,
      ),
    ).toBe(window.collections.length);
    r.emu.setFault(undefined);
    await expectRightAgain(r);
  });

  it('counters that reset (container restart): no negative delta downstream', async () => {
    const r = await setup();
    r.emu.advance(1);
    await r.collect();
    r.emu.advance(1);
    await r.collect();
    r.emu.restartContainer('nginx100');
    const docs = await servedDocuments(r.emu);
    const window = await underLoad(r, 'container restart (counter reset)', 1);
    for (const p of window.collections.flat().filter((x) => /\.(time|io)$/.test(x.name))) {
      expect(p.value, `${p.name} ${JSON.stringify(p.attributes)}`).toBeGreaterThanOrEqual(0);
    }
    const points = window.collections[0]!;
    // The restarted container's counter starts again: its first delta is its new cumulative value.
    const [id, s] = running(docs.stats).find(([, x]) => x.name.includes('nginx100'))!;
    const attrs = attrsOf(docs.task, id, s);
    expect(pointValue(points, 'container.cpu.time', attrs)).toBeCloseTo(
      s.cpu_stats.cpu_usage.total_usage / 1e9,
      9,
    );
    // A first sample after a restart has no CPU rate (preread is the zero time).
    expect(
      points.some((p) => p.name === 'container.cpu.usage' && p.attributes['container.id'] === id),
    ).toBe(false);
    await expectRightAgain(r);
  });

  it('a container disappears between /task and /task/stats', async () => {
    const r = await setup();
    await r.collect();
    const { stats, task } = await servedDocuments(r.emu);
    const [goneId] = running(stats).find(([, s]) => s.name.includes('nginx300'))!;
    // /task still lists it as RUNNING; /task/stats no longer has it.
    const { [goneId]: _gone, ...rest } = stats;
    expect(task.Containers.find((c: any) => c.DockerId === goneId).KnownStatus).toBe('RUNNING');
    r.emu.resetCounts();
    r.emu.setPayload('/task/stats', rest);
    const window = await underLoad(r, 'container gone from /task/stats', 2);
    for (const points of window.collections) {
      const usage = points.filter((p) => p.name.startsWith('container.'));
      expect(usage.some((p) => p.attributes['container.id'] === goneId)).toBe(false);
      expectFormulaGauges(points, { stats: rest, task });
      expect(selfErrors(points)).toBe(0);
    }
    // The set of running containers changed: /task was read again, once.
    expect(r.emu.requestCount('/task')).toBe(1);
    expect(internalSizes(r.instrumentation).peaks).toBe(running(rest).length);
    r.emu.setPayload('/task/stats', undefined);
    await expectRightAgain(r);
  });
});
