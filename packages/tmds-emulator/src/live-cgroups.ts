/*
 * Real cgroups (v1: memory, cpuacct, blkio) for the live mode's container. Each is created beneath the cgroup
 * this process already lives in for that controller (from `/proc/self/cgroup`), which is where an unprivileged
 * or nested environment lets us write, and removed again once its processes are gone.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';

export const LIVE_CONTROLLERS = ['memory', 'cpuacct', 'blkio'] as const;
export type LiveController = (typeof LIVE_CONTROLLERS)[number];

export interface CgroupPaths {
  readonly memory: string;
  readonly cpuacct: string;
  readonly blkio: string;
}

/** Live mode cannot create its cgroups here; the message says why. */
export class LiveCgroupError extends Error {
  override name = 'LiveCgroupError';
}

/** The v1 path of each controller in `/proc/self/cgroup` text. */
export function controllerPaths(procSelfCgroup: string): Map<string, string> {
  const paths = new Map<string, string>();
  for (const line of procSelfCgroup.split('\n')) {
    const match = /^\d+:([^:]+):(.*)$/.exec(line.trim());
    if (!match) continue;
    for (const controller of (match[1] as string).split(','))
      paths.set(controller, match[2] as string);
  }
  return paths;
}

/** Where this process may create the cgroups of each controller: beneath its own. */
export function parentDirs(root: string, procSelfCgroup: string): CgroupPaths {
  const paths = controllerPaths(procSelfCgroup);
  const dir = (controller: LiveController) => {
    const path = paths.get(controller);
    if (path === undefined) {
      throw new LiveCgroupError(`no cgroup v1 '${controller}' controller in /proc/self/cgroup`);
    }
    return `${root}/${controller}${path === '/' ? '' : path}`;
  };
  return { memory: dir('memory'), cpuacct: dir('cpuacct'), blkio: dir('blkio') };
}

export interface CreateOptions {
  /** Mount point of the v1 hierarchies. Default `/sys/fs/cgroup`. */
  root?: string;
  /** Name prefix of the cgroups. */
  prefix?: string;
  /** `memory.limit_in_bytes`; unlimited when absent. */
  memoryLimitBytes?: number;
}

/** The live container's cgroups. */
export class LiveCgroups {
  private _removed = false;

  private constructor(readonly paths: CgroupPaths) {}

  /** Creates one cgroup per controller; throws a LiveCgroupError naming the cause when it cannot. */
  static create(options: CreateOptions = {}): LiveCgroups {
    const root = options.root ?? '/sys/fs/cgroup';
    if (process.platform !== 'linux') throw new LiveCgroupError('cgroups need Linux');
    let proc: string;
    try {
      proc = readFileSync('/proc/self/cgroup', 'utf8');
    } catch (err) {
      throw new LiveCgroupError(`cannot read /proc/self/cgroup: ${(err as Error).message}`);
    }
    const parents = parentDirs(root, proc);
    const name = `${options.prefix ?? 'tmds-live'}-${process.pid}-${randomBytes(4).toString('hex')}`;
    const created: string[] = [];
    try {
      for (const controller of LIVE_CONTROLLERS) {
        const dir = `${parents[controller]}/${name}`;
        mkdirSync(dir);
        created.push(dir);
      }
      const cgroups = new LiveCgroups({
        memory: created[0] as string,
        cpuacct: created[1] as string,
        blkio: created[2] as string,
      });
      if (options.memoryLimitBytes !== undefined) {
        writeFileSync(
          `${cgroups.paths.memory}/memory.limit_in_bytes`,
          String(options.memoryLimitBytes),
        );
      }
      return cgroups;
    } catch (err) {
      for (const dir of created.reverse()) tryRmdir(dir);
      if (err instanceof LiveCgroupError) throw err;
      throw new LiveCgroupError(`cannot create a cgroup: ${(err as Error).message}`);
    }
  }

  /** `cgroup.procs` files the container's first process writes its pid to before it execs the command. */
  get procsFiles(): string[] {
    return LIVE_CONTROLLERS.map((c) => `${this.paths[c]}/cgroup.procs`);
  }

  /** Reads a file of one controller's cgroup; undefined when absent. */
  read(controller: LiveController, file: string): string | undefined {
    try {
      return readFileSync(`${this.paths[controller]}/${file}`, 'utf8');
    } catch {
      return undefined;
    }
  }

  /** Pids still in the container's cgroups. */
  pids(): number[] {
    const pids = new Set<number>();
    for (const controller of LIVE_CONTROLLERS) {
      for (const line of (this.read(controller, 'cgroup.procs') ?? '').split('\n')) {
        const pid = Number(line.trim());
        if (line.trim() && Number.isInteger(pid)) pids.add(pid);
      }
    }
    return [...pids];
  }

  /**
   * Kills what is left in the cgroups and removes them. Synchronous, so it also runs from a process `exit`
   * handler. Returns the directories that could not be removed (empty on success).
   */
  removeSync(attempts = 50): string[] {
    if (this._removed) return [];
    let left: string[] = [];
    for (let i = 0; i < attempts; i++) {
      for (const pid of this.pids()) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
      left = LIVE_CONTROLLERS.map((c) => this.paths[c]).filter((dir) => !tryRmdir(dir));
      if (left.length === 0) break;
      // A killed process leaves its cgroup a moment later: wait a little without an event loop.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
    this._removed = left.length === 0;
    return left;
  }
}

function tryRmdir(dir: string): boolean {
  try {
    rmdirSync(dir);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

/** Whether live mode can create its cgroups here: tries, and removes what it made. */
export function probeLiveCgroups(
  options: Pick<CreateOptions, 'root'> = {},
): { ok: true } | { ok: false; reason: string } {
  try {
    const cgroups = LiveCgroups.create({ ...options, prefix: 'tmds-probe' });
    const left = cgroups.removeSync();
    return left.length === 0
      ? { ok: true }
      : { ok: false, reason: `could not remove ${left.join(', ')}` };
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
}
