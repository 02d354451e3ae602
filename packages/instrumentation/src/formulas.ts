/*
 * The formulas: pure functions from task metadata and Docker stats JSON (as the agent serves them) to numbers.
 * Input is untrusted JSON: every accessor tolerates missing fields and wrong types and returns undefined
 * rather than a made-up value, so a missing input never becomes a zero.
 */
import { diffNanos, parseNanoTime } from './time.js';
import type { TmdsContainerMetadata, TmdsContainerStats, TmdsTaskMetadata } from './types.js';

/** Limits at or above 2^62 are "no limit": the agent writes 2^63 (cgroup v1, page-rounded) or 2^64 - 1 (v2). */
export const UNLIMITED_THRESHOLD = 2 ** 62;
export const MIB = 1024 * 1024;
/** Docker's smallest CPU shares value: what a container without a CPU reservation gets. */
const MIN_CPU_SHARES = 2;
const CPU_UNITS_PER_VCPU = 1024;

/** A finite, non-negative number, else undefined. */
export function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** A limit below the "unlimited" sentinels, else undefined. */
export function realLimit(value: unknown): number | undefined {
  const n = num(value);
  return n !== undefined && n > 0 && n < UNLIMITED_THRESHOLD ? n : undefined;
}

/** A running container has a stats object; a stopped or not-yet-started one is `{}` (or `null` on old agents). */
export function hasStats(
  stats: TmdsContainerStats | null | undefined,
): stats is TmdsContainerStats {
  const s = record(stats);
  return (
    s !== undefined && (record(s.memory_stats) !== undefined || record(s.cpu_stats) !== undefined)
  );
}

function memoryStatsMap(stats: TmdsContainerStats): Record<string, unknown> {
  return record(record(stats.memory_stats)?.stats) ?? {};
}

/** cgroup v2 is recognised by the `anon` key, which v1's memory.stat does not have. */
export function isCgroupV2(stats: TmdsContainerStats): boolean {
  return num(memoryStatsMap(stats).anon) !== undefined;
}

/** `memory_stats.usage`: all memory charged to the cgroup, page cache included. */
export function memoryUsage(stats: TmdsContainerStats): number | undefined {
  return num(record(stats.memory_stats)?.usage);
}

/**
 * Working set, as the Docker CLI and the kubelet compute it: usage minus inactive file pages
 * (`total_inactive_file` on v1, `inactive_file` on v2), falling back to `cache`, never below 0.
 */
export function memoryWorkingSet(stats: TmdsContainerStats): number | undefined {
  const usage = memoryUsage(stats);
  if (usage === undefined) return undefined;
  return workingSetFromStat(usage, memoryStatsMap(stats), isCgroupV2(stats));
}

/** The working set formula on a `memory.stat` map (shared by the agent's numbers and the own-cgroup reader). */
export function workingSetFromStat(
  usage: number,
  m: Record<string, unknown>,
  cgroupV2: boolean,
): number {
  const inactive = cgroupV2
    ? num(m.inactive_file)
    : (num(m.total_inactive_file) ?? num(m.inactive_file));
  const reclaimable = inactive ?? num(m.total_cache) ?? num(m.cache) ?? 0;
  return Math.max(0, usage - reclaimable);
}

/** `memory_stats.max_usage`: the kernel's peak, present on cgroup v1 only. */
export function memoryMaxUsage(stats: TmdsContainerStats): number | undefined {
  return num(record(stats.memory_stats)?.max_usage);
}

/** The task's memory size, `Limits.Memory` in MiB, in bytes. */
export function taskMemoryLimit(task: TmdsTaskMetadata | undefined): number | undefined {
  const mib = realLimit(record(task?.Limits)?.Memory);
  return mib === undefined ? undefined : mib * MIB;
}

/**
 * The limit that really applies to a container: the smallest of its cgroup `limit`, the v1
 * `hierarchical_memory_limit` (on Fargate v1 this carries the task size) and the task's `Limits.Memory`,
 * ignoring "unlimited" sentinels. Docker caps an unlimited container's `limit` at the host's memory, which
 * is then the real bound.
 */
export function effectiveMemoryLimit(
  stats: TmdsContainerStats,
  task: TmdsTaskMetadata | undefined,
): number | undefined {
  const candidates = [
    realLimit(record(stats.memory_stats)?.limit),
    isCgroupV2(stats) ? undefined : realLimit(memoryStatsMap(stats).hierarchical_memory_limit),
    taskMemoryLimit(task),
  ].filter((n): n is number => n !== undefined);
  return candidates.length > 0 ? Math.min(...candidates) : undefined;
}

/** A ratio, or undefined when either side is unknown or the denominator is 0. */
export function ratio(part: number | undefined, whole: number | undefined): number | undefined {
  return part === undefined || whole === undefined || whole <= 0 ? undefined : part / whole;
}

/** Cumulative CPU time in seconds: `cpu_stats.cpu_usage.total_usage` (ns) / 1e9. */
export function cpuTimeSeconds(stats: TmdsContainerStats): number | undefined {
  const total = num(record(record(stats.cpu_stats)?.cpu_usage)?.total_usage);
  return total === undefined ? undefined : total / 1e9;
}

/**
 * vCPUs used over the agent's sampling window: delta `total_usage` (ns) / (`read` - `preread`) (ns).
 * Undefined on a first sample (`precpu_stats` empty or `preread` the zero time) and on a counter reset.
 */
export function cpuUsageVcpu(stats: TmdsContainerStats): number | undefined {
  const now = num(record(record(stats.cpu_stats)?.cpu_usage)?.total_usage);
  const before = num(record(record(stats.precpu_stats)?.cpu_usage)?.total_usage);
  const read = parseNanoTime(stats.read);
  const preread = parseNanoTime(stats.preread);
  if (now === undefined || !before || !read || !preread) return undefined;
  const elapsed = diffNanos(read, preread);
  const used = now - before;
  if (elapsed <= 0 || used < 0) return undefined;
  return used / elapsed;
}

/** A container's own CPU reservation in vCPU (`Limits.CPU` units / 1024), when it has a real one. */
export function containerCpuReservation(
  container: TmdsContainerMetadata | undefined,
): number | undefined {
  const units = num(record(container?.Limits)?.CPU);
  return units !== undefined && units > MIN_CPU_SHARES ? units / CPU_UNITS_PER_VCPU : undefined;
}

/** The task's vCPU, `Limits.CPU`. */
export function taskCpuLimit(task: TmdsTaskMetadata | undefined): number | undefined {
  const cpu = num(record(task?.Limits)?.CPU);
  return cpu !== undefined && cpu > 0 ? cpu : undefined;
}

/** Bytes read and written, summed over devices; ops match case-insensitively (`Read` on v1, `read` on v2). */
export function diskBytes(stats: TmdsContainerStats): { read: number; write: number } | undefined {
  const entries = record(stats.blkio_stats)?.io_service_bytes_recursive;
  if (!Array.isArray(entries)) return undefined;
  let read = 0;
  let write = 0;
  for (const entry of entries) {
    const e = record(entry);
    const value = num(e?.value);
    if (value === undefined || typeof e?.op !== 'string') continue;
    const op = e.op.toLowerCase();
    if (op === 'read') read += value;
    else if (op === 'write') write += value;
  }
  return { read, write };
}

/** Bytes received and transmitted, summed over the interfaces of one stats object. */
export function networkBytes(stats: TmdsContainerStats): { rx: number; tx: number } | undefined {
  const networks = record(stats.networks);
  if (!networks) return undefined;
  let rx = 0;
  let tx = 0;
  let seen = false;
  for (const iface of Object.values(networks)) {
    const i = record(iface);
    const r = num(i?.rx_bytes);
    const t = num(i?.tx_bytes);
    if (r === undefined && t === undefined) continue;
    seen = true;
    rx += r ?? 0;
    tx += t ?? 0;
  }
  return seen ? { rx, tx } : undefined;
}

/**
 * On awsvpc (Fargate, EC2 awsvpc) every container shares the task's network namespace, so each stats
 * object repeats the same ENI counters.
 */
export function isAwsvpc(task: TmdsTaskMetadata | undefined): boolean {
  if (typeof task?.LaunchType === 'string' && task.LaunchType.toUpperCase() === 'FARGATE')
    return true;
  const containers = Array.isArray(task?.Containers) ? task.Containers : [];
  return containers.some(
    (c) =>
      Array.isArray(c?.Networks) && c.Networks.some((n) => record(n)?.NetworkMode === 'awsvpc'),
  );
}

/** Fargate's `EphemeralStorageMetrics` (MiB) in bytes. */
export function ephemeralStorage(task: TmdsTaskMetadata | undefined): {
  usage?: number;
  limit?: number;
} {
  const m = record(task?.EphemeralStorageMetrics);
  const used = num(m?.Utilized);
  const reserved = num(m?.Reserved);
  return {
    usage: used === undefined ? undefined : used * MIB,
    limit: reserved === undefined ? undefined : reserved * MIB,
  };
}

/** Seconds from an RFC 3339 time to `nowMs`. */
export function secondsSince(time: unknown, nowMs: number): number | undefined {
  const t = parseNanoTime(time);
  if (!t) return undefined;
  const seconds = nowMs / 1000 - t.seconds - t.nanos / 1e9;
  return seconds >= 0 ? seconds : undefined;
}

/** The sample time `read` (or `preread`) in epoch milliseconds; undefined for the zero time. */
export function sampleTime(
  stats: TmdsContainerStats,
  field: 'read' | 'preread' = 'read',
): number | undefined {
  const t = parseNanoTime(stats[field]);
  return t ? t.seconds * 1000 + t.nanos / 1e6 : undefined;
}
