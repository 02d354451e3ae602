/*
 * The documents of the live mode: one task with one container, the command, whose stats are the kernel's numbers
 * for its cgroups, sampled on the agent's schedule and rendered in Docker's shape. Between two samples the same
 * sample is served, as the agent does.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import {
  type CpuStats,
  firstPrecpuStats,
  type KernelFiles,
  renderBlkioStats,
  renderCpuStats,
  renderMemoryStats,
} from './docker-stats.js';
import type { LiveCgroups } from './live-cgroups.js';
import { stringifyLossless } from './lossless-json.js';
import type { ServedState } from './server.js';
import { formatEpochNanos, ZERO_TIME } from './timestamps.js';
import type { EndpointPath } from './types.js';

const MIB = 1024 * 1024;

export interface LiveIdentity {
  containerName: string;
  family: string;
  image: string;
  memoryLimitBytes?: number;
}

/** Nanoseconds since the epoch, with the monotonic clock's resolution. */
function clock(): () => bigint {
  const baseNanos = BigInt(Date.now()) * 1_000_000n;
  const baseHr = process.hrtime.bigint();
  return () => baseNanos + (process.hrtime.bigint() - baseHr);
}

function readOptional(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

export class LiveState implements ServedState {
  readonly dockerId = randomBytes(32).toString('hex');
  private readonly _taskArn: string;
  private readonly _dockerName: string;
  private readonly _nowNanos = clock();
  private readonly _createdAt: string;
  private _startedAt: string | undefined;
  private _finishedAt: string | undefined;
  private _exitCode: number | undefined;
  private _entry: Record<string, unknown> | undefined;
  private _previousCpu: CpuStats | undefined;
  private _samples = 0;

  constructor(
    private readonly _cgroups: LiveCgroups,
    private readonly _identity: LiveIdentity,
  ) {
    const taskId = randomBytes(16).toString('hex');
    this._taskArn = `arn:aws:ecs:us-east-1:123456789012:task/live/${taskId}`;
    this._dockerName = `ecs-${_identity.family}-1-${_identity.containerName}-${randomBytes(10).toString('hex')}`;
    this._createdAt = this.now();
  }

  /** The current time as the agent writes it (RFC 3339, nanoseconds). */
  now(): string {
    return formatEpochNanos(this._nowNanos());
  }

  get running(): boolean {
    return this._startedAt !== undefined && this._finishedAt === undefined;
  }

  /** Samples taken so far. */
  get samples(): number {
    return this._samples;
  }

  markStarted(): void {
    this._startedAt = this.now();
  }

  markStopped(exitCode: number): void {
    this._finishedAt = this.now();
    this._exitCode = exitCode;
  }

  /** Takes an agent sample now from the kernel's files; a stopped container has none. */
  sample(): void {
    if (!this.running) return;
    const files = this.kernelFiles();
    const cpu = renderCpuStats(files);
    const previousRead = this._entry?.read;
    this._entry = {
      read: this.now(),
      preread: typeof previousRead === 'string' ? previousRead : ZERO_TIME,
      pids_stats: {},
      blkio_stats: renderBlkioStats(files),
      num_procs: 0,
      storage_stats: {},
      cpu_stats: cpu,
      precpu_stats: this._previousCpu ?? firstPrecpuStats(),
      memory_stats: renderMemoryStats(files, totalmem()),
      name: `/${this._dockerName}`,
      id: this.dockerId,
    };
    this._previousCpu = cpu;
    this._samples++;
  }

  /** The kernel files of one sample. */
  kernelFiles(): KernelFiles {
    const cg = this._cgroups;
    return {
      memoryUsage: cg.read('memory', 'memory.usage_in_bytes'),
      memoryMaxUsage: cg.read('memory', 'memory.max_usage_in_bytes'),
      memoryLimit: cg.read('memory', 'memory.limit_in_bytes'),
      memoryFailcnt: cg.read('memory', 'memory.failcnt'),
      memoryStat: cg.read('memory', 'memory.stat'),
      cpuacctUsage: cg.read('cpuacct', 'cpuacct.usage'),
      cpuacctUsagePercpu: cg.read('cpuacct', 'cpuacct.usage_percpu'),
      cpuacctStat: cg.read('cpuacct', 'cpuacct.stat'),
      blkioServiceBytes: cg.read('blkio', 'blkio.throttle.io_service_bytes_recursive'),
      blkioServiced: cg.read('blkio', 'blkio.throttle.io_serviced_recursive'),
      procStat: readOptional('/proc/stat'),
    };
  }

  body(path: EndpointPath): string | undefined {
    switch (path) {
      case '':
        return stringifyLossless(this.containerDocument());
      case '/task':
        return stringifyLossless(this.taskDocument());
      case '/stats':
        return this._entry && this.running ? stringifyLossless(this._entry) : undefined;
      case '/task/stats':
        return stringifyLossless({ [this.dockerId]: this.running ? (this._entry ?? {}) : {} });
      default:
        return undefined;
    }
  }

  stoppedSingleStatsId(): string | undefined {
    return this.running ? undefined : this.dockerId;
  }

  defaultContainerId(): string {
    return this.dockerId;
  }

  taskArn(): string {
    return this._taskArn;
  }

  private status(): string {
    if (this._finishedAt !== undefined) return 'STOPPED';
    return this._startedAt !== undefined ? 'RUNNING' : 'CREATED';
  }

  containerDocument(): Record<string, unknown> {
    const { containerName, family, image, memoryLimitBytes } = this._identity;
    const limits: Record<string, number> = { CPU: 0 };
    if (memoryLimitBytes !== undefined) limits.Memory = Math.floor(memoryLimitBytes / MIB);
    const doc: Record<string, unknown> = {
      DockerId: this.dockerId,
      Name: containerName,
      DockerName: this._dockerName,
      Image: image,
      Labels: {
        'com.amazonaws.ecs.cluster': 'live',
        'com.amazonaws.ecs.container-name': containerName,
        'com.amazonaws.ecs.task-arn': this._taskArn,
        'com.amazonaws.ecs.task-definition-family': family,
        'com.amazonaws.ecs.task-definition-version': '1',
      },
      DesiredStatus: this._finishedAt === undefined ? 'RUNNING' : 'STOPPED',
      KnownStatus: this.status(),
      Limits: limits,
      CreatedAt: this._createdAt,
    };
    if (this._startedAt !== undefined) doc.StartedAt = this._startedAt;
    if (this._finishedAt !== undefined) doc.FinishedAt = this._finishedAt;
    if (this._exitCode !== undefined) doc.ExitCode = this._exitCode;
    doc.Type = 'NORMAL';
    doc.Networks = [{ NetworkMode: 'host' }];
    return doc;
  }

  taskDocument(): Record<string, unknown> {
    return {
      Cluster: 'live',
      TaskARN: this._taskArn,
      Family: this._identity.family,
      Revision: '1',
      DesiredStatus: this._finishedAt === undefined ? 'RUNNING' : 'STOPPED',
      KnownStatus: this.status(),
      LaunchType: 'EC2',
      Containers: [this.containerDocument()],
    };
  }
}
