/*
 * The own-container fast path: this process's memory cgroup, read directly from the kernel's files.
 * Parsing is pure (text in, numbers out); file access goes through an injectable `ReadTextFile`, so every
 * branch is tested on text without a kernel.
 */
import { readFileSync } from 'node:fs';
import { workingSetFromStat } from './formulas.js';

/** Reads a whole file as text; undefined when it does not exist or cannot be read. */
export type ReadTextFile = (path: string) => string | undefined;

/** The real file system, synchronously: cgroup files are tiny and served from memory by the kernel. */
export const readTextFileSync: ReadTextFile = (path) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

/** `/proc/self/cgroup`, parsed: the v1 path of each controller and the v2 (unified) path. */
export interface ProcCgroup {
  v1: Map<string, string>;
  v2?: string;
}

/** Parses `/proc/<pid>/cgroup` lines `hierarchy-id:controller,list:path` (v2: `0::path`). */
export function parseProcCgroup(text: string): ProcCgroup {
  const result: ProcCgroup = { v1: new Map() };
  for (const line of text.split('\n')) {
    const match = /^(\d+):([^:]*):(.*)$/.exec(line.trim());
    if (!match) continue;
    const [, id, controllers = '', path = ''] = match;
    if (id === '0' && controllers === '') {
      result.v2 = path;
      continue;
    }
    for (const controller of controllers.split(',')) {
      if (controller) result.v1.set(controller, path);
    }
  }
  return result;
}

/** Parses a flat keyed file (`memory.stat`, `memory.events`, `memory.oom_control`): `key value` lines. */
export function parseKeyedFile(text: string): Record<string, number> {
  const values: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const [key, value, ...rest] = line.trim().split(/\s+/);
    if (!key || value === undefined || rest.length > 0) continue;
    const n = Number(value);
    if (Number.isFinite(n)) values[key] = n;
  }
  return values;
}

/** Parses a single-value file (`memory.current`, `memory.usage_in_bytes`); v2's `max` means no value. */
export function parseSingleValue(text: string | undefined): number | undefined {
  const trimmed = text?.trim();
  if (!trimmed || !/^\d+$/.test(trimmed)) return undefined;
  const n = Number(trimmed);
  return Number.isFinite(n) ? n : undefined;
}

/** Where this process's memory cgroup is. */
export interface CgroupLocation {
  version: 1 | 2;
  /** Directory holding the memory files. */
  dir: string;
}

/** File names of the memory controller, per version. */
export const MEMORY_FILES = {
  1: { usage: 'memory.usage_in_bytes', peak: 'memory.max_usage_in_bytes', stat: 'memory.stat' },
  2: { usage: 'memory.current', peak: 'memory.peak', stat: 'memory.stat' },
} as const;

export interface LocateOptions {
  read: ReadTextFile;
  /** Mount point of the cgroup file systems. Default `/sys/fs/cgroup`. */
  root?: string;
  /** Default `/proc/self/cgroup`. */
  procFile?: string;
}

/**
 * Finds this process's memory cgroup. The path from `/proc/self/cgroup` is tried under the mount first (a host,
 * or a nested cgroup as in the emulator's live mode); then the mount itself, because inside a container (Docker,
 * ECS, Fargate) the container's own cgroup is mounted there while `/proc/self/cgroup` may show the host's path.
 * A v1 memory controller wins over v2 on hybrid hosts: that is the hierarchy that enforces the limit.
 */
export function locateMemoryCgroup(options: LocateOptions): CgroupLocation | undefined {
  const root = (options.root ?? '/sys/fs/cgroup').replace(/\/+$/, '');
  const text = options.read(options.procFile ?? '/proc/self/cgroup');
  if (text === undefined) return undefined;
  const proc = parseProcCgroup(text);
  const candidates: CgroupLocation[] = [];
  const v1 = proc.v1.get('memory');
  if (v1 !== undefined) {
    candidates.push(
      { version: 1, dir: join(`${root}/memory`, v1) },
      { version: 1, dir: `${root}/memory` },
    );
  }
  if (proc.v2 !== undefined) {
    candidates.push({ version: 2, dir: join(root, proc.v2) }, { version: 2, dir: root });
  }
  return candidates.find(
    (c) =>
      parseSingleValue(options.read(`${c.dir}/${MEMORY_FILES[c.version].usage}`)) !== undefined,
  );
}

function join(base: string, path: string): string {
  const clean = path.replace(/^\/+|\/+$/g, '');
  return clean ? `${base}/${clean}` : base;
}

/** One reading of a memory cgroup. */
export interface CgroupMemoryReading {
  /** `memory.usage_in_bytes` (v1) or `memory.current` (v2), bytes. */
  usage: number;
  /** Usage minus inactive file pages, as the agent's numbers are computed (see `formulas.ts`). */
  workingSet: number;
  /** The kernel's high-water mark of usage since the cgroup was created: `max_usage_in_bytes` / `memory.peak`. */
  peak?: number;
}

/** Builds a reading from the files' texts; undefined without a usage. Pure. */
export function memoryReading(
  version: 1 | 2,
  files: { usage?: string; peak?: string; stat?: string },
): CgroupMemoryReading | undefined {
  const usage = parseSingleValue(files.usage);
  if (usage === undefined) return undefined;
  const stat = files.stat === undefined ? {} : parseKeyedFile(files.stat);
  const reading: CgroupMemoryReading = {
    usage,
    workingSet: workingSetFromStat(usage, stat, version === 2),
  };
  const peak = parseSingleValue(files.peak);
  if (peak !== undefined) reading.peak = peak;
  return reading;
}

/** Reads one memory cgroup's files on demand. */
export class CgroupMemoryReader {
  constructor(
    readonly location: CgroupLocation,
    private readonly _read: ReadTextFile = readTextFileSync,
  ) {}

  /** Reads the files now; undefined when the cgroup cannot be read any more. */
  read(): CgroupMemoryReading | undefined {
    const { dir, version } = this.location;
    const names = MEMORY_FILES[version];
    return memoryReading(version, {
      usage: this._read(`${dir}/${names.usage}`),
      peak: this._read(`${dir}/${names.peak}`),
      stat: this._read(`${dir}/${names.stat}`),
    });
  }
}
