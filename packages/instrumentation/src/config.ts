import { createHttpGet, type HttpGet } from './http-get.js';
import type { EcsTaskMetricsInstrumentationConfig } from './types.js';

/** The options with every default applied. */
export interface ResolvedConfig {
  endpoint: string | undefined;
  timeoutMs: number;
  taskMetadataMaxAgeMs: number;
  diagnosticIntervalMs: number;
  fetch: HttpGet;
  now: () => number;
}

export const DEFAULT_TIMEOUT_MS = 2000;
export const DEFAULT_TASK_METADATA_MAX_AGE_MS = 5 * 60_000;
export const DEFAULT_DIAGNOSTIC_INTERVAL_MS = 60_000;
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
    fetch: config.fetch ?? createHttpGet(),
    now: config.now ?? Date.now,
  };
}
