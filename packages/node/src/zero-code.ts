import { DiagConsoleLogger, diag } from '@opentelemetry/api';
import { diagLogLevelFromString } from '@opentelemetry/core';
import { startEcsTaskMetrics } from './start.js';
import type { EcsTaskMetricsHandle } from './types.js';

const ENDPOINT_ENV = 'ECS_CONTAINER_METADATA_URI_V4';

/**
 * What `--import @ecs-task-metrics/node/register` does: start from the environment alone. Nothing starts when
 * `OTEL_SDK_DISABLED=true` or off ECS (no `ECS_CONTAINER_METADATA_URI_V4`); a failure to start is one line on
 * stderr, never an exception that would stop the app. `OTEL_LOG_LEVEL` turns on OpenTelemetry's diagnostics.
 */
export async function startFromEnvironment(
  env: NodeJS.ProcessEnv = process.env,
): Promise<EcsTaskMetricsHandle | undefined> {
  const logLevel = diagLogLevelFromString(env.OTEL_LOG_LEVEL);
  if (logLevel !== undefined) diag.setLogger(new DiagConsoleLogger(), { logLevel });
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return undefined;
  if (!env[ENDPOINT_ENV]) {
    diag.info(`ecs-task-metrics: ${ENDPOINT_ENV} is not set (not on Amazon ECS); not started`);
    return undefined;
  }
  try {
    return await startEcsTaskMetrics({ env });
  } catch (err) {
    process.stderr.write(`ecs-task-metrics: not started: ${(err as Error).message}\n`);
    return undefined;
  }
}
