import type { ChildProcess } from 'node:child_process';

/**
 * Endpoint path of the emulator, relative to {@link TmdsEmulator.url} (`''`, `'/task'`, `'/taskWithTags'`,
 * `'/stats'`, `'/task/stats'`) or to {@link TmdsEmulator.origin} for the ECS Managed Instances daemon
 * endpoints (`'/tasks'`, `'/tasks/stats'`).
 */
export type EndpointPath =
  | ''
  | '/task'
  | '/taskWithTags'
  | '/stats'
  | '/task/stats'
  | '/tasks'
  | '/tasks/stats';

/** Restricts a fault to some requests. */
export interface FaultScope {
  /** Endpoint paths the fault applies to (same form as {@link EndpointPath}); all paths when absent. */
  paths?: readonly string[];
  /** Number of matching requests the fault applies to; afterwards it is cleared. Unlimited when absent. */
  count?: number;
}

/** Delays the answer by `ms` milliseconds, then answers normally. */
export interface LatencyFault extends FaultScope {
  kind: 'latency';
  ms: number;
}

/**
 * Answers with an error status and the body and content type the ECS agent sends for it:
 * 404 and 500 are the agent's handler errors (JSON-encoded strings), 429 is its rate limiter's plain text,
 * 503 is a plain-text answer of something in between (the agent handlers never send it).
 */
export interface StatusFault extends FaultScope {
  kind: 'status';
  status: 404 | 429 | 500 | 503;
}

/** Destroys the connection without answering (a fetch error for the client). */
export interface ResetFault extends FaultScope {
  kind: 'reset';
}

/** Answers 200 with a body that is not valid JSON. */
export interface MalformedFault extends FaultScope {
  kind: 'malformed';
}

/** Answers 200 with the first half of the real body (a complete HTTP answer whose JSON is cut short). */
export interface TruncatedFault extends FaultScope {
  kind: 'truncated';
}

/** A fault injected with {@link TmdsEmulator.setFault}. */
export type EmulatorFault =
  | LatencyFault
  | StatusFault
  | ResetFault
  | MalformedFault
  | TruncatedFault;

/**
 * Per-second amounts {@link TmdsEmulator.advance} adds to every running container's counters.
 * All byte, packet and nanosecond amounts are rounded to integers after multiplying by the seconds advanced.
 */
export interface EmulatorDeltas {
  /** vCPUs each running container uses: `cpu_usage.total_usage` grows by `cpuVcpu * seconds * 1e9` ns. */
  cpuVcpu: number;
  /** vCPUs per container, keyed by a container name or DockerId; overrides {@link cpuVcpu}. */
  cpuVcpuByContainer: Readonly<Record<string, number>>;
  /** Share of the CPU delta added to `usage_in_usermode`; the rest goes to `usage_in_kernelmode`. */
  userModeShare: number;
  /** Bytes received per second on each network interface. */
  rxBytesPerSecond: number;
  /** Bytes sent per second on each network interface. */
  txBytesPerSecond: number;
  /** Packets received per second on each network interface. */
  rxPacketsPerSecond: number;
  /** Packets sent per second on each network interface. */
  txPacketsPerSecond: number;
  /** Bytes read per second from the container's first block device. */
  blkioReadBytesPerSecond: number;
  /** Bytes written per second to the container's first block device. */
  blkioWriteBytesPerSecond: number;
  /** Read operations per second on the container's first block device. */
  blkioReadOpsPerSecond: number;
  /** Write operations per second on the container's first block device. */
  blkioWriteOpsPerSecond: number;
  /** `cpu_usage.total_usage` (ns) of a container right after {@link TmdsEmulator.restartContainer}. */
  restartCpuNanos: number;
}

/** Rate limiter mimicking the ECS agent's (a token bucket per client address and path). */
export interface RateLimitOptions {
  /** Steady rate in requests per second; the agent's is 40. */
  requestsPerSecond?: number;
  /** Bucket size; the agent's is 60. */
  burst?: number;
}

/** Options of {@link startTmdsEmulator}. */
export interface TmdsEmulatorOptions {
  /** A bundled scenario name (see {@link listScenarios}); `fargate-2-containers` when neither this nor `dir` is set. */
  scenario?: string;
  /** A directory with the fixture layout (`container.json`, `task.json`, `task-stats.json`...); wins over `scenario`. */
  dir?: string;
  /** Loopback address to listen on: `127.0.0.1` (default), `::1` or `localhost`. */
  host?: string;
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /**
   * The v4 endpoint ID in `url` (`/v4/<id>`). Defaults to the DockerId of `container.json`, else the first key of
   * the task stats, else `emulator`.
   */
  endpointId?: string;
  /** Overrides of the per-second amounts used by `advance()`. */
  deltas?: Partial<EmulatorDeltas>;
  /** Turns on the agent's rate limiter: `true` for the agent's defaults (40 req/s, burst 60). Off by default. */
  rateLimit?: boolean | RateLimitOptions;
  /** Clock in epoch milliseconds for request times and the rate limiter; `Date.now` by default. */
  now?: () => number;
}

/** One request the emulator received. */
export interface RecordedRequest {
  method: string;
  /** Endpoint path relative to `url` (`''`, `'/task/stats'`...) or to `origin` (`'/tasks'`); else the raw path. */
  path: string;
  /** Epoch milliseconds from the emulator's clock. */
  at: number;
}

/** Options of {@link TmdsEmulator.stopContainer}. */
export interface StopContainerOptions {
  /** `ExitCode` reported in `/task`; 137 (SIGKILL) by default. */
  exitCode?: number;
}

/** A running TMDS v4 server, fixture or live: requests, faults, payload overrides. */
export interface TmdsEndpointServer {
  /** Value for `ECS_CONTAINER_METADATA_URI_V4`: `http://127.0.0.1:PORT/v4/<id>`. */
  readonly url: string;
  /** `http://127.0.0.1:PORT`; the Managed Instances daemon paths `/tasks` and `/tasks/stats` hang off it. */
  readonly origin: string;
  /** Every request received since start or the last {@link resetCounts}, oldest first. */
  readonly requests: readonly RecordedRequest[];
  /** Requests received for one endpoint path (see {@link RecordedRequest.path}). */
  requestCount(path: string): number;
  /** Forgets the recorded requests. */
  resetCounts(): void;
  /** Injects a fault, replacing the current one; `undefined` clears it. */
  setFault(fault: EmulatorFault | undefined): void;
  /**
   * Serves `payload` verbatim for `path` (a string as is, anything else as JSON) until cleared with `undefined`.
   * Scripted changes do not touch an overridden path.
   */
  setPayload(path: string, payload: unknown): void;
  /** Stops listening and closes every connection. */
  close(): Promise<void>;
}

/** A running emulator. Container names match the stats `name`, the task's `Name`/`DockerName`, or the DockerId. */
export interface TmdsEmulator extends TmdsEndpointServer {
  /** Resolved per-second amounts `advance()` adds, to derive expected values from. */
  readonly deltas: Readonly<EmulatorDeltas>;
  /** Moves every running container's stats sample forward by `seconds` (10 by default, Fargate's window). */
  advance(seconds?: number): void;
  /** Stats entry becomes `{}`; in `/task` KnownStatus becomes `STOPPED` with `ExitCode`. */
  stopContainer(name: string, options?: StopContainerOptions): void;
  /** Container runs again: its last stats sample comes back and `/task` says `RUNNING`. */
  startContainer(name: string): void;
  /** Container restarted in place: cumulative counters start again from small values, `RestartCount` + 1. */
  restartContainer(name: string): void;
  /** Sets `memory_stats.usage` (and `max_usage` when it is exceeded) for the next samples. */
  setMemoryUsage(name: string, bytes: number): void;
  /** Sets the vCPUs a container uses from now on (see {@link EmulatorDeltas.cpuVcpuByContainer}). */
  setCpuVcpu(name: string, vcpu: number): void;
}

/** Options of {@link startLiveEmulator}. */
export interface LiveEmulatorOptions {
  /** The container's command and its arguments, e.g. `['node', 'job.js']`. */
  command: readonly string[];
  /** `memory.limit_in_bytes` of the container's cgroup (and `Limits.Memory` in MiB); unlimited when absent. */
  memoryLimitBytes?: number;
  /**
   * How often the agent samples the container, in milliseconds: 1000 (EC2's docker stats), 10000 (Fargate).
   * Default 1000. 0: only the first sample at start and those taken with {@link LiveTmdsEmulator.sample}.
   */
  sampleIntervalMs?: number;
  /** TMDS `Name` of the container. Default `app`. */
  containerName?: string;
  /** Task definition family. Default `live`. */
  family?: string;
  /** Extra environment of the command (`ECS_CONTAINER_METADATA_URI_V4` is always set). */
  env?: NodeJS.ProcessEnv;
  /** The command's stdio: `pipe` (default, read `child.stdout`) or `inherit`. */
  stdio?: 'pipe' | 'inherit';
  /** Mount point of the cgroup v1 hierarchies. Default `/sys/fs/cgroup`. */
  cgroupRoot?: string;
  host?: string;
  port?: number;
  rateLimit?: boolean | RateLimitOptions;
}

/** How the live container ended. */
export interface LiveExit {
  /** The ECS `ExitCode`: the process's code, or 128 + the signal number when a signal ended it (137: SIGKILL). */
  exitCode: number;
  signal: NodeJS.Signals | null;
}

/** A live emulator: one task, one container running the command in real cgroups. */
export interface LiveTmdsEmulator extends TmdsEndpointServer {
  /** The command's process (its stdout and stderr when `stdio` is `pipe`). */
  readonly child: ChildProcess;
  /** The container's DockerId. */
  readonly dockerId: string;
  /** The cgroup directories of the container (memory, cpuacct, blkio); removed by `close()`. */
  readonly cgroupPaths: { memory: string; cpuacct: string; blkio: string };
  /** Reads a file of the container's memory cgroup now (e.g. `memory.max_usage_in_bytes`); undefined if absent. */
  readMemoryFile(file: string): string | undefined;
  /** Takes an agent sample now (the next `/task/stats` answers it). */
  sample(): void;
  /** Number of agent samples taken. */
  readonly samples: number;
  /** Resolves when the command exits; the endpoint keeps answering, with the container `STOPPED`. */
  readonly exited: Promise<LiveExit>;
  /** Kills the command if it still runs, removes the cgroups, stops listening. */
  close(): Promise<void>;
}
