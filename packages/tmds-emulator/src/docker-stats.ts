/*
 * Docker's stats object (API v1.4x, cgroup v1) rendered from the kernel's files, as the Docker daemon builds it
 * and the ECS agent serves it. Pure: file texts in, JSON out. Field by field (see the README's live mode):
 * memory from `memory.*`, CPU from `cpuacct.*` and `/proc/stat`, disk from `blkio.throttle.*`.
 */

import { integerFromText, type RawJson, toNumber } from './lossless-json.js';

/** USER_HZ: `cpuacct.stat` and `/proc/stat` count in ticks of 1/100 s. */
const CLOCK_TICKS_PER_SECOND = 100;
const NANOS_PER_TICK = 1e9 / CLOCK_TICKS_PER_SECOND;

/** Texts of the kernel files one sample reads; an absent file is undefined. */
export interface KernelFiles {
  memoryUsage?: string;
  memoryMaxUsage?: string;
  memoryLimit?: string;
  memoryFailcnt?: string;
  memoryStat?: string;
  cpuacctUsage?: string;
  cpuacctUsagePercpu?: string;
  cpuacctStat?: string;
  blkioServiceBytes?: string;
  blkioServiced?: string;
  /** `/proc/stat` of the machine. */
  procStat?: string;
}

export interface BlkioEntry {
  major: number;
  minor: number;
  op: string;
  value: number;
}

export interface CpuStats {
  cpu_usage: {
    total_usage: number;
    percpu_usage?: number[];
    usage_in_kernelmode: number;
    usage_in_usermode: number;
  };
  system_cpu_usage?: number;
  online_cpus?: number;
  throttling_data: { periods: number; throttled_periods: number; throttled_time: number };
}

function int(text: string | undefined): number | undefined {
  const trimmed = text?.trim();
  return trimmed && /^\d+$/.test(trimmed) ? Number(trimmed) : undefined;
}

/** `key value` lines (`memory.stat`, `cpuacct.stat`); integers beyond 2^53 keep their exact text. */
export function parseKeyValues(text: string | undefined): Record<string, number | RawJson> {
  const out: Record<string, number | RawJson> = {};
  for (const line of (text ?? '').split('\n')) {
    const [key, value] = line.trim().split(' ');
    if (key && value !== undefined && /^\d+$/.test(value)) out[key] = integerFromText(value);
  }
  return out;
}

/** `blkio.throttle.io_service*_recursive`: `MAJ:MIN Op value` lines; the closing `Total N` line is dropped, as Docker does. */
export function parseBlkio(text: string | undefined): BlkioEntry[] {
  const entries: BlkioEntry[] = [];
  for (const line of (text ?? '').split('\n')) {
    const match = /^(\d+):(\d+) (\w+) (\d+)$/.exec(line.trim());
    if (match) {
      entries.push({
        major: Number(match[1]),
        minor: Number(match[2]),
        op: match[3] as string,
        value: Number(match[4]),
      });
    }
  }
  return entries;
}

/** From `/proc/stat`: the machine's CPU time in nanoseconds (Docker's `system_cpu_usage`) and online CPUs. */
export function parseProcStat(text: string | undefined): {
  systemNanos?: number;
  onlineCpus?: number;
} {
  const lines = (text ?? '').split('\n');
  const total = lines.find((l) => /^cpu\s/.test(l));
  const onlineCpus = lines.filter((l) => /^cpu\d+\s/.test(l)).length;
  const ticks = total
    ?.trim()
    .split(/\s+/)
    .slice(1, 9)
    .map(Number)
    .reduce((a, b) => a + b, 0);
  return {
    systemNanos: ticks === undefined || Number.isNaN(ticks) ? undefined : ticks * NANOS_PER_TICK,
    onlineCpus: onlineCpus > 0 ? onlineCpus : undefined,
  };
}

/** Docker's `cpu_stats` from `cpuacct.*` and `/proc/stat`. There is no CPU quota: throttling is 0. */
export function renderCpuStats(files: KernelFiles): CpuStats {
  const stat = parseKeyValues(files.cpuacctStat);
  const percpu = (files.cpuacctUsagePercpu ?? '').trim().split(/\s+/).filter(Boolean).map(Number);
  const machine = parseProcStat(files.procStat);
  const cpu: CpuStats = {
    cpu_usage: {
      total_usage: int(files.cpuacctUsage) ?? 0,
      usage_in_kernelmode: toNumber(stat.system) * NANOS_PER_TICK,
      usage_in_usermode: toNumber(stat.user) * NANOS_PER_TICK,
    },
    throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 },
  };
  if (percpu.length > 0) cpu.cpu_usage.percpu_usage = percpu;
  if (machine.systemNanos !== undefined) cpu.system_cpu_usage = machine.systemNanos;
  if (machine.onlineCpus !== undefined) cpu.online_cpus = machine.onlineCpus;
  return cpu;
}

/** Docker's first-sample `precpu_stats`: all zero, without `system_cpu_usage`, `online_cpus`, `percpu_usage`. */
export function firstPrecpuStats(): CpuStats {
  return {
    cpu_usage: { total_usage: 0, usage_in_kernelmode: 0, usage_in_usermode: 0 },
    throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 },
  };
}

/**
 * Docker's `memory_stats` (cgroup v1): `usage`, `max_usage`, `failcnt` from the files, `stats` = `memory.stat`,
 * and `limit` = `memory.limit_in_bytes` capped at the machine's memory, as the daemon caps an unlimited one.
 */
export function renderMemoryStats(files: KernelFiles, machineMemory: number) {
  const limit = int(files.memoryLimit);
  return {
    usage: int(files.memoryUsage) ?? 0,
    max_usage: int(files.memoryMaxUsage) ?? 0,
    stats: parseKeyValues(files.memoryStat),
    failcnt: int(files.memoryFailcnt) ?? 0,
    limit: limit === undefined ? machineMemory : Math.min(limit, machineMemory),
  };
}

/** Docker's `blkio_stats` (cgroup v1, throttle files: they count with every I/O scheduler). */
export function renderBlkioStats(files: KernelFiles) {
  return {
    io_service_bytes_recursive: parseBlkio(files.blkioServiceBytes),
    io_serviced_recursive: parseBlkio(files.blkioServiced),
    io_queue_recursive: [],
    io_service_time_recursive: [],
    io_wait_time_recursive: [],
    io_merged_recursive: [],
    io_time_recursive: [],
    sectors_recursive: [],
  };
}
