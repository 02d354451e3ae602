/*
 * One collection's numbers: joins `/task/stats` with the `/task` document and applies the formulas.
 * Pure apart from the peak tracker, which carries the highest usage seen per container between collections.
 */
import {
  containerCpuReservation,
  cpuTimeSeconds,
  cpuUsageVcpu,
  cpuUtilization,
  diskBytes,
  effectiveMemoryLimit,
  ephemeralStorage,
  hasStats,
  isAwsvpc,
  memoryMaxUsage,
  memoryUsage,
  memoryUtilization,
  memoryWorkingSet,
  networkBytes,
  plausibleVcpu,
  sampleTime,
  secondsSince,
  taskCpuLimit,
  taskMemoryLimit,
} from './formulas.js';
import { computeLifecycle } from './lifecycle.js';
import type {
  ContainerMetrics,
  TaskMetrics,
  TaskSnapshot,
  TmdsContainerMetadata,
  TmdsContainerStats,
  TmdsTaskMetadata,
  TmdsTaskStats,
} from './types.js';

/**
 * The highest memory usage this process has observed per container: the peak reported on cgroup v2, where the
 * agent has no `max_usage`. Containers that are gone are forgotten, so the map stays as small as the task.
 */
export class PeakTracker {
  private readonly _peaks = new Map<string, number>();

  observe(id: string, usage: number): number {
    const peak = Math.max(this._peaks.get(id) ?? 0, usage);
    this._peaks.set(id, peak);
    return peak;
  }

  retainOnly(ids: ReadonlySet<string>): void {
    for (const id of this._peaks.keys()) if (!ids.has(id)) this._peaks.delete(id);
  }

  get size(): number {
    return this._peaks.size;
  }
}

/** The ids of the containers that have a stats object (running), in a stable order. */
export function runningContainerIds(stats: TmdsTaskStats): string[] {
  if (typeof stats !== 'object' || stats === null || Array.isArray(stats)) return [];
  return Object.keys(stats)
    .filter((id) => hasStats(stats[id]))
    .sort();
}

function containerName(
  id: string,
  meta: TmdsContainerMetadata | undefined,
  stats: TmdsContainerStats,
): string {
  if (typeof meta?.Name === 'string' && meta.Name) return meta.Name;
  // Docker names carry a leading slash.
  if (typeof stats.name === 'string' && stats.name) return stats.name.replace(/^\//, '');
  return id;
}

/** The sum of the known values of `items`, undefined when none is known. */
function sum<T>(items: readonly T[], value: (item: T) => number | undefined): number | undefined {
  let total: number | undefined;
  for (const item of items) {
    const v = value(item);
    if (v !== undefined) total = (total ?? 0) + v;
  }
  return total;
}

/**
 * Computes every metric of one collection. `peaks` is updated with the usages seen. `ids` are the running
 * containers' ids when the caller already has them (`runningContainerIds(stats)`).
 */
export function computeSnapshot(
  task: TmdsTaskMetadata | undefined,
  stats: TmdsTaskStats,
  peaks: PeakTracker,
  nowMs: number,
  ids: readonly string[] = runningContainerIds(stats),
): TaskSnapshot {
  const metaById = new Map<string, TmdsContainerMetadata>();
  for (const c of Array.isArray(task?.Containers) ? task.Containers : []) {
    if (typeof c?.DockerId === 'string') metaById.set(c.DockerId, c);
  }
  const awsvpc = isAwsvpc(task);
  const taskCpu = taskCpuLimit(task);
  peaks.retainOnly(new Set(ids));

  const containers: ContainerMetrics[] = [];
  const running: TmdsContainerStats[] = [];
  for (const id of ids) {
    const s = stats[id] as TmdsContainerStats;
    running.push(s);
    const meta = metaById.get(id);
    const usage = memoryUsage(s);
    const workingSet = memoryWorkingSet(s);
    const cgroupPeak = memoryMaxUsage(s);
    const observedPeak = usage === undefined ? undefined : peaks.observe(id, usage);
    const limit = effectiveMemoryLimit(s, task);
    const cpuUsage = cpuUsageVcpu(s);
    const cpuReserved = containerCpuReservation(meta) ?? taskCpu;
    const disk = diskBytes(s);
    const net = awsvpc ? undefined : networkBytes(s);
    containers.push({
      name: containerName(id, meta, s),
      id,
      memoryUsage: usage,
      memoryWorkingSet: workingSet,
      memoryUsageMax: cgroupPeak ?? observedPeak,
      memoryUsageMaxSource:
        cgroupPeak !== undefined ? 'cgroup' : observedPeak !== undefined ? 'observed' : undefined,
      memoryLimit: limit,
      memoryUtilization: memoryUtilization(workingSet, limit),
      cpuTime: cpuTimeSeconds(s),
      cpuUsage,
      cpuReserved,
      cpuUtilization: cpuUtilization(cpuUsage, cpuReserved),
      diskReadBytes: disk?.read,
      diskWriteBytes: disk?.write,
      networkRxBytes: net?.rx,
      networkTxBytes: net?.tx,
      uptime: secondsSince(meta?.StartedAt, nowMs),
      readAt: sampleTime(s),
      prereadAt: sampleTime(s, 'preread'),
    });
  }

  const snapshot: TaskSnapshot = {
    containers,
    task: computeTaskMetrics(task, containers, running, awsvpc, taskCpu, metaById),
  };
  if (task) snapshot.lifecycle = computeLifecycle(task);
  return snapshot;
}

function computeTaskMetrics(
  task: TmdsTaskMetadata | undefined,
  containers: ContainerMetrics[],
  running: TmdsContainerStats[],
  awsvpc: boolean,
  taskCpu: number | undefined,
  metaById: Map<string, TmdsContainerMetadata>,
): TaskMetrics {
  const memoryUsageSum = sum(containers, (c) => c.memoryUsage);
  const workingSet = sum(containers, (c) => c.memoryWorkingSet);
  const allLimited = containers.length > 0 && containers.every((c) => c.memoryLimit !== undefined);
  const memoryLimit =
    taskMemoryLimit(task) ?? (allLimited ? sum(containers, (c) => c.memoryLimit) : undefined);
  // The containers share one host: more than any host has means the samples do not belong together.
  const cpuUsage = plausibleVcpu(sum(containers, (c) => c.cpuUsage));
  // Without a task size, the containers' reservations bound the task only if every one has one.
  const reservations = containers.map((c) => containerCpuReservation(metaById.get(c.id)));
  const allReserved = containers.length > 0 && reservations.every((r) => r !== undefined);
  const cpuLimit = taskCpu ?? (allReserved ? sum(reservations, (r) => r) : undefined);

  let network: { rx: number; tx: number } | undefined;
  if (awsvpc) {
    // Every container repeats the task ENI's counters: take the newest sample once, never the sum.
    let newest: TmdsContainerStats | undefined;
    let newestAt = Number.NEGATIVE_INFINITY;
    for (const s of running) {
      const at = sampleTime(s) ?? Number.NEGATIVE_INFINITY;
      if (networkBytes(s) && (newest === undefined || at > newestAt)) {
        newest = s;
        newestAt = at;
      }
    }
    network = newest ? networkBytes(newest) : undefined;
  } else {
    const rx = sum(containers, (c) => c.networkRxBytes);
    const tx = sum(containers, (c) => c.networkTxBytes);
    network = rx === undefined && tx === undefined ? undefined : { rx: rx ?? 0, tx: tx ?? 0 };
  }

  const storage = ephemeralStorage(task);
  return {
    memoryUsage: memoryUsageSum,
    memoryWorkingSet: workingSet,
    memoryLimit,
    memoryUtilization: memoryUtilization(workingSet, memoryLimit),
    cpuUsage,
    cpuLimit,
    cpuUtilization: cpuUtilization(cpuUsage, cpuLimit),
    networkRxBytes: network?.rx,
    networkTxBytes: network?.tx,
    ephemeralStorageUsage: storage.usage,
    ephemeralStorageLimit: storage.limit,
  };
}
