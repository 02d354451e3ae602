import { type ReadTextFile, readTextFileSync } from './cgroup.js';
import { createHttpGet, fetchGet, type HttpGet } from './http-get.js';
import type { EcsTaskMetricsInstrumentationConfig, PhaseSummary } from './types.js';

/** The options with every default applied. */
export interface ResolvedConfig {
  endpoint: string | undefined;
  timeoutMs: number;
  taskMetadataMaxAgeMs: number;
  diagnosticIntervalMs: number;
  allowAnyEndpoint: boolean;
  /** The HTTP client: the `fetch` option adapted, else the default node:http GET. */
  get: HttpGet;
  now: () => number;
  cgroupSampleIntervalMs: number;
  cgroupRoot: string;
  readTextFile: ReadTextFile;
  flushTimeoutMs: number;
  onPhaseEnd: ((summary: PhaseSummary) => void) | undefined;
}

export const DEFAULT_TIMEOUT_MS = 2000;
export const DEFAULT_TASK_METADATA_MAX_AGE_MS = 5 * 60_000;
export const DEFAULT_DIAGNOSTIC_INTERVAL_MS = 60_000;
export const DEFAULT_CGROUP_SAMPLE_INTERVAL_MS = 250;
export const DEFAULT_CGROUP_ROOT = '/sys/fs/cgroup';
export const DEFAULT_FLUSH_TIMEOUT_MS = 12_000;
export const ENDPOINT_ENV = 'ECS_CONTAINER_METADATA_URI_V4';

function positive(value: number | undefined, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
}

/** Applies the defaults; reads the environment now, so call it when the instrumentation starts. */
export function resolveConfig(
  config: EcsTaskMetricsInstrumentationConfig,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedConfig {
  return {
    endpoint: config.endpoint || env[ENDPOINT_ENV] || undefined,
    timeoutMs: positive(config.timeoutMs, DEFAULT_TIMEOUT_MS),
    taskMetadataMaxAgeMs: positive(config.taskMetadataMaxAgeMs, DEFAULT_TASK_METADATA_MAX_AGE_MS),
    diagnosticIntervalMs: positive(config.diagnosticIntervalMs, DEFAULT_DIAGNOSTIC_INTERVAL_MS),
    allowAnyEndpoint: config.allowAnyEndpoint === true,
    get: config.fetch ? fetchGet(config.fetch) : createHttpGet(),
    now: config.now ?? Date.now,
    cgroupSampleIntervalMs:
      config.cgroupSampleIntervalMs === 0
        ? 0
        : positive(config.cgroupSampleIntervalMs, DEFAULT_CGROUP_SAMPLE_INTERVAL_MS),
    cgroupRoot: config.cgroupRoot || DEFAULT_CGROUP_ROOT,
    readTextFile: config.readTextFile ?? readTextFileSync,
    flushTimeoutMs: positive(config.flushTimeoutMs, DEFAULT_FLUSH_TIMEOUT_MS),
    onPhaseEnd: config.onPhaseEnd,
  };
}
