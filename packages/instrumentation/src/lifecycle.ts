/*
 * Container lifecycle from the cached `/task` document: status, exit code and restarts of every container,
 * stopped ones and sidecars included, and the task's start-up timings. Pure: document in, numbers out.
 */
import { num } from './formulas.js';
import { diffNanos, type NanoTime, parseNanoTime } from './time.js';
import type { TmdsTaskMetadata } from './types.js';

/**
 * Container statuses the agent reports in `KnownStatus`, lower-cased for the status attribute. A fixed set keeps
 * the status metric at a bounded number of series; any other value is reported as `unknown`.
 */
export const CONTAINER_STATUSES = [
  'none',
  'manifest_pulled',
  'pulled',
  'created',
  'running',
  'resources_provisioned',
  'stopped',
  'unknown',
] as const;

export type ContainerStatus = (typeof CONTAINER_STATUSES)[number];

/** One container's lifecycle, from `/task`. */
export interface ContainerLifecycle {
  /** TMDS `Name`. */
  name: string;
  /** `DockerId`; absent before the container was created. */
  id?: string;
  status: ContainerStatus;
  /** `ExitCode`, once the container stopped. */
  exitCode?: number;
  /** `RestartCount` (agents with container restart policies). */
  restartCount?: number;
}

/** The task's lifecycle, from `/task`. */
export interface TaskLifecycle {
  containers: ContainerLifecycle[];
  /** `PullStartedAt` to the first container's `StartedAt`, seconds. */
  startupSeconds?: number;
  /** `PullStartedAt` to `PullStoppedAt`, seconds. */
  imagePullSeconds?: number;
}

export function containerStatus(knownStatus: unknown): ContainerStatus {
  const lower = typeof knownStatus === 'string' ? knownStatus.toLowerCase() : '';
  return (CONTAINER_STATUSES as readonly string[]).includes(lower)
    ? (lower as ContainerStatus)
    : 'unknown';
}

function secondsBetween(from: NanoTime | undefined, to: NanoTime | undefined): number | undefined {
  if (!from || !to) return undefined;
  const seconds = diffNanos(to, from) / 1e9;
  return seconds >= 0 ? seconds : undefined;
}

/** Lifecycle of every container the document lists, and the task's start-up timings. */
export function computeLifecycle(task: TmdsTaskMetadata | undefined): TaskLifecycle {
  const containers: ContainerLifecycle[] = [];
  let firstStart: NanoTime | undefined;
  for (const c of Array.isArray(task?.Containers) ? task.Containers : []) {
    if (typeof c?.Name !== 'string' || !c.Name) continue;
    const lifecycle: ContainerLifecycle = { name: c.Name, status: containerStatus(c.KnownStatus) };
    if (typeof c.DockerId === 'string' && c.DockerId) lifecycle.id = c.DockerId;
    const exitCode =
      typeof c.ExitCode === 'number' && Number.isInteger(c.ExitCode) ? c.ExitCode : undefined;
    if (exitCode !== undefined) lifecycle.exitCode = exitCode;
    const restarts = num(c.RestartCount);
    if (restarts !== undefined) lifecycle.restartCount = restarts;
    containers.push(lifecycle);
    const started = parseNanoTime(c.StartedAt);
    if (started && (!firstStart || diffNanos(started, firstStart) < 0)) firstStart = started;
  }
  const pullStarted = parseNanoTime(task?.PullStartedAt);
  return {
    containers,
    startupSeconds: secondsBetween(pullStarted, firstStart),
    imagePullSeconds: secondsBetween(pullStarted, parseNanoTime(task?.PullStoppedAt)),
  };
}
