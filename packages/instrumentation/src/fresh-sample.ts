/*
 * Waiting for the agent's next sample instead of sleeping. The agent refreshes a container's stats on its own
 * interval (about 1 s on EC2, 10 s on Fargate) and answers the same sample until then. A sample is *new* when
 * its `read` is later than the `read` of the last sample seen for that container. The wait is bounded; the first
 * poll is aimed at the expected next sample (`read` + (`read` - `preread`)), later ones back off, and every
 * poll stays far below the agent's rate limit (40 requests per second per path).
 */
import type { TaskCollector } from './task-collector.js';
import { TmdsError } from './tmds-client.js';
import type { TaskSnapshot } from './types.js';

export const FIRST_POLL_DELAY_MS = 100;
export const MAX_POLL_DELAY_MS = 2000;
/** Margin after the expected sample time: the agent writes the sample a little after taking it. */
export const EXPECTED_SAMPLE_MARGIN_MS = 50;
/** After a 429, the agent's token bucket needs this long to let the next request through. */
export const RATE_LIMITED_DELAY_MS = 1000;

export interface FreshSampleOptions {
  timeoutMs: number;
  now: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface FreshSampleResult {
  snapshot: TaskSnapshot | undefined;
  fresh: boolean;
  polls: number;
}

const defaultSleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms);
  });

/** The `read` of each running container of a snapshot. */
export function readTimes(snapshot: TaskSnapshot | undefined): Map<string, number> {
  const times = new Map<string, number>();
  for (const c of snapshot?.containers ?? []) {
    if (c.readAt !== undefined) times.set(c.id, c.readAt);
  }
  return times;
}

/** Whether every container of `baseline` that is still running has a sample newer than its baseline one. */
export function isFresh(baseline: Map<string, number>, snapshot: TaskSnapshot): boolean {
  const now = readTimes(snapshot);
  if (baseline.size === 0) return now.size > 0;
  for (const [id, before] of baseline) {
    const after = now.get(id);
    if (after !== undefined && after <= before) return false;
  }
  return true;
}

/** When the next sample is expected, from the newest sample's interval; undefined when unknown. */
export function expectedNextSample(snapshot: TaskSnapshot | undefined): number | undefined {
  let expected: number | undefined;
  for (const c of snapshot?.containers ?? []) {
    if (c.readAt === undefined || c.prereadAt === undefined) continue;
    const interval = c.readAt - c.prereadAt;
    if (interval <= 0) continue;
    const next = c.readAt + interval;
    expected = expected === undefined ? next : Math.max(expected, next);
  }
  return expected;
}

/**
 * Polls `/task/stats` until a sample newer than the collector's last one arrives or `timeoutMs` passes.
 * Without a previous snapshot, the first answer is the baseline.
 */
export async function waitForFreshSample(
  collector: TaskCollector,
  options: FreshSampleOptions,
): Promise<FreshSampleResult> {
  const { now, timeoutMs } = options;
  const sleep = options.sleep ?? defaultSleep;
  const deadline = now() + timeoutMs;
  let polls = 0;
  let last = collector.lastSnapshot;
  const poll = async (): Promise<{ rateLimited: boolean }> => {
    polls++;
    try {
      last = await collector.collect();
      return { rateLimited: false };
    } catch (err) {
      return { rateLimited: err instanceof TmdsError && err.kind === 'rate-limited' };
    }
  };
  if (!last) await poll();
  const baseline = readTimes(last);

  let delay = FIRST_POLL_DELAY_MS;
  const expected = expectedNextSample(last);
  let wait =
    expected !== undefined && expected + EXPECTED_SAMPLE_MARGIN_MS > now()
      ? expected + EXPECTED_SAMPLE_MARGIN_MS - now()
      : delay;
  while (true) {
    const remaining = deadline - now();
    if (remaining <= 0) break;
    await sleep(Math.min(wait, remaining));
    const { rateLimited } = await poll();
    if (last && isFresh(baseline, last)) return { snapshot: last, fresh: true, polls };
    delay = Math.min(delay * 2, MAX_POLL_DELAY_MS);
    wait = rateLimited ? Math.max(delay, RATE_LIMITED_DELAY_MS) : delay;
  }
  return { snapshot: last, fresh: false, polls };
}
