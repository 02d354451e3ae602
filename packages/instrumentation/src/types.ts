import type { InstrumentationConfig } from '@opentelemetry/instrumentation';
import type { TaskLifecycle } from './lifecycle.js';

/** Options of {@link EcsTaskMetricsInstrumentation}. Every field is optional; defaults live in `config.ts`. */
export interface EcsTaskMetricsInstrumentationConfig extends InstrumentationConfig {
  /**
   * Base URL of the task metadata endpoint v4. Default: `ECS_CONTAINER_METADATA_URI_V4`, read when the
   * instrumentation is enabled (not at import time).
   */
  endpoint?: string;
  /** Timeout of one request to the metadata endpoint, in milliseconds. Default: 2000. */
  timeoutMs?: number;
  /**
   * Longest time between two reads of `${endpoint}/task` while the set of running containers stays the same,
   * in milliseconds. The task document is re-read at once when that set changes. Default: 300000 (5 minutes).
   */
  taskMetadataMaxAgeMs?: number;
  /** Shortest time between two diagnostics about the same kind of failure, in milliseconds. Default: 60000. */
  diagnosticIntervalMs?: number;
  /**
   * Call an endpoint that is not plain http on a link-local (169.254.0.0/16, fe80::/10, fd00:ec2::/64) or loopback
   * address. Default: false, and such an endpoint is refused with one diagnostic warning.
   */
  allowAnyEndpoint?: boolean;
  /**
   * The HTTP client, with `fetch`'s signature (the global `fetch` fits). Default: a keep-alive `node:http` GET,
   * lighter than the global `fetch` in an app that does not use it otherwise.
   */
  fetch?: typeof globalThis.fetch;
  /** Clock, in milliseconds since the epoch. Default: `Date.now`. */
  now?: () => number;
  /**
   * How often the own memory cgroup is read while a phase ({@link EcsTaskMetricsInstrumentation.measure}) is
   * open, in milliseconds. Default: 250. 0 turns the own-cgroup fast path off (phase peaks then come from the
   * agent's samples only).
   */
  cgroupSampleIntervalMs?: number;
  /** Mount point of the cgroup file systems. Default: `/sys/fs/cgroup`. */
  cgroupRoot?: string;
  /** Reads a cgroup or proc file as text, undefined when absent. Default: `fs.readFileSync` (tests, non-Linux). */
  readTextFile?: (path: string) => string | undefined;
  /**
   * Longest wait of {@link EcsTaskMetricsInstrumentation.flush} for an agent sample newer than the last one, in
   * milliseconds. Default: 12000 (a Fargate agent interval plus margin).
   */
  flushTimeoutMs?: number;
  /** Called after every phase with its numbers (for logs; the same numbers are recorded as metrics). */
  onPhaseEnd?: (summary: PhaseSummary) => void;
}

/** Where a phase's usage peak came from. */
export type PhasePeakSource = 'kernel' | 'cgroup-sampled' | 'agent';

/** The numbers of one phase run, as recorded. Absent fields had no source. */
export interface PhaseSummary {
  name: string;
  /** The enclosing phase, when nested. */
  parent?: string;
  durationMs: number;
  /** `error.type` when the callback threw or rejected. */
  errorType?: string;
  /** This container (the process's own). */
  container: {
    name?: string;
    id?: string;
    /** Peak memory usage during the phase, bytes. */
    usagePeak?: number;
    /**
     * `kernel`: the cgroup's high-water mark rose during the phase, so its new value is the phase's peak;
     * `cgroup-sampled`: the highest reading of the own cgroup (every `cgroupSampleIntervalMs`);
     * `agent`: the highest agent sample taken during the phase.
     */
    usagePeakSource?: PhasePeakSource;
    /** Peak working set during the phase (sampled: the kernel keeps no peak for it), bytes. */
    workingSetPeak?: number;
    /** The highest own-cgroup reading, whatever the source of `usagePeak`. */
    sampledUsagePeak?: number;
    /** Own-cgroup readings taken during the phase. */
    cgroupReadings: number;
    /** Agent samples taken during the phase. */
    agentSamples: number;
  };
  /** The task: the own container's readings plus the other containers' latest agent samples. */
  task: { usagePeak?: number; workingSetPeak?: number };
}

/** What {@link EcsTaskMetricsInstrumentation.flush} did. */
export interface FlushResult {
  /** Whether an agent sample newer than the last one observed before the flush arrived in time. */
  fresh: boolean;
  /** GETs of `/task/stats` made while waiting. */
  polls: number;
  /** `read` of the newest sample exported, epoch milliseconds. */
  readAt?: number;
}

/** Why a collection reported nothing. */
export type CollectionErrorKind =
  | 'no-endpoint'
  | 'endpoint-rejected'
  | 'timeout'
  | 'connection'
  | 'rate-limited'
  | 'http-status'
  | 'malformed-response';

/** The cause of a failed read of the metadata endpoint. */
export interface CollectionFailure {
  kind: CollectionErrorKind;
  /** One line naming the cause, safe to log (no headers or bodies beyond a short excerpt). */
  message: string;
  /** The path under the endpoint that failed, e.g. `/task/stats`. */
  path: string;
  /** HTTP status, for `http-status` and `rate-limited`. */
  status?: number;
}

/** All metric values of one container for one collection. Absent fields produce no point. */
export interface ContainerMetrics {
  /** TMDS `Name` from `/task`, else the Docker name from the stats entry. */
  name: string;
  /** The stats key (`DockerId`). */
  id: string;
  /** `memory_stats.usage`, bytes. */
  memoryUsage?: number;
  /** usage minus inactive file pages, bytes, never below 0. */
  memoryWorkingSet?: number;
  /** `max_usage` (cgroup v1), else the highest usage this process has observed for the container, bytes. */
  memoryUsageMax?: number;
  /** Where {@link memoryUsageMax} came from. */
  memoryUsageMaxSource?: 'cgroup' | 'observed';
  /** The smallest real limit that applies to the container, bytes. */
  memoryLimit?: number;
  /** working set / limit. */
  memoryUtilization?: number;
  /** Cumulative CPU time, seconds. */
  cpuTime?: number;
  /** vCPUs used over the agent's last sampling window. */
  cpuUsage?: number;
  /** vCPUs the container may count on: its own reservation, else the task's vCPU. */
  cpuReserved?: number;
  /** cpuUsage / cpuReserved. */
  cpuUtilization?: number;
  /** Cumulative bytes read from block devices. */
  diskReadBytes?: number;
  /** Cumulative bytes written to block devices. */
  diskWriteBytes?: number;
  /** Cumulative bytes received; only when the container has its own network namespace (bridge mode). */
  networkRxBytes?: number;
  /** Cumulative bytes transmitted; only when the container has its own network namespace (bridge mode). */
  networkTxBytes?: number;
  /** Seconds since the container's `StartedAt`. */
  uptime?: number;
  /** The stats sample time (`read`), milliseconds since the epoch. */
  readAt?: number;
  /** The previous sample time (`preread`), milliseconds since the epoch; absent on a first sample. */
  prereadAt?: number;
}

/** Task-level values of one collection. Absent fields produce no point. */
export interface TaskMetrics {
  memoryUsage?: number;
  memoryWorkingSet?: number;
  /** Task `Limits.Memory` (MiB) in bytes, else the sum of the containers' limits when every running one has one. */
  memoryLimit?: number;
  memoryUtilization?: number;
  /** Sum of the running containers' vCPU usage. */
  cpuUsage?: number;
  /** Task `Limits.CPU` (vCPU), else the sum of the containers' reservations when every running one has one. */
  cpuLimit?: number;
  cpuUtilization?: number;
  /** Task network bytes: one ENI sample on awsvpc, the sum over containers on bridge. */
  networkRxBytes?: number;
  networkTxBytes?: number;
  /** Fargate `EphemeralStorageMetrics.Utilized` (MiB) in bytes. */
  ephemeralStorageUsage?: number;
  /** Fargate `EphemeralStorageMetrics.Reserved` (MiB) in bytes. */
  ephemeralStorageLimit?: number;
}

/** Everything one collection computed. */
export interface TaskSnapshot {
  containers: ContainerMetrics[];
  task: TaskMetrics;
  /** Status, exit code and restarts of every container `/task` lists (stopped ones too); absent without `/task`. */
  lifecycle?: TaskLifecycle;
}

/** The subset of a `/task` container document this package reads. */
export interface TmdsContainerMetadata {
  DockerId?: string;
  Name?: string;
  DockerName?: string;
  Type?: string;
  KnownStatus?: string;
  DesiredStatus?: string;
  ExitCode?: number;
  RestartCount?: number;
  Limits?: { CPU?: number; Memory?: number };
  CreatedAt?: string;
  StartedAt?: string;
  FinishedAt?: string;
  Networks?: Array<{ NetworkMode?: string }>;
}

/** The subset of a `/task` document this package reads. */
export interface TmdsTaskMetadata {
  Cluster?: string;
  TaskARN?: string;
  Family?: string;
  Revision?: string;
  LaunchType?: string;
  KnownStatus?: string;
  Limits?: { CPU?: number; Memory?: number };
  PullStartedAt?: string;
  PullStoppedAt?: string;
  EphemeralStorageMetrics?: { Utilized?: number; Reserved?: number };
  Containers?: TmdsContainerMetadata[];
}

/** `/task/stats`: one Docker stats object per DockerId; `{}` or `null` for a container that is not running. */
export type TmdsTaskStats = Record<string, TmdsContainerStats | null>;

/** The subset of a Docker stats object (as served by the agent) this package reads. */
export interface TmdsContainerStats {
  read?: string;
  preread?: string;
  name?: string;
  id?: string;
  cpu_stats?: TmdsCpuStats;
  precpu_stats?: TmdsCpuStats;
  memory_stats?: {
    usage?: number;
    max_usage?: number;
    limit?: number;
    stats?: Record<string, number>;
  };
  blkio_stats?: {
    io_service_bytes_recursive?: Array<{ op?: string; value?: number }> | null;
  };
  networks?: Record<string, { rx_bytes?: number; tx_bytes?: number }>;
}

/** CPU part of a Docker stats object. */
export interface TmdsCpuStats {
  cpu_usage?: { total_usage?: number; usage_in_kernelmode?: number; usage_in_usermode?: number };
  system_cpu_usage?: number;
  online_cpus?: number;
}
