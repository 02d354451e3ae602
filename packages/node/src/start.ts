import { EcsTaskMetricsInstrumentation } from '@ecs-task-metrics/instrumentation';
import { metrics } from '@opentelemetry/api';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { resolveOptions, resolveShutdown } from './config.js';
import { buildExporter } from './exporters.js';
import { createHandle } from './handle.js';
import { ecsResource } from './resource.js';
import type {
  AddEcsTaskMetricsOptions,
  EcsTaskMetricsHandle,
  EcsTaskMetricsOptions,
} from './types.js';

function attach(
  meterProvider: EcsTaskMetricsHandle['meterProvider'],
  config: EcsTaskMetricsOptions['instrumentation'],
): EcsTaskMetricsInstrumentation {
  const instrumentation = new EcsTaskMetricsInstrumentation({ ...config, enabled: false });
  instrumentation.setMeterProvider(meterProvider);
  instrumentation.enable();
  return instrumentation;
}

/**
 * ECS task metrics in one call: a `MeterProvider` of its own with the ECS resource, a
 * `PeriodicExportingMetricReader` and the chosen exporter, the instruments on it, and the shutdown hooks.
 * Every option can also come from the environment (see the README's table). It does not touch the global
 * provider, so it runs beside an app's own OpenTelemetry set-up. Rejects when the chosen exporter's package
 * is missing.
 */
export async function startEcsTaskMetrics(
  options: EcsTaskMetricsOptions = {},
): Promise<EcsTaskMetricsHandle> {
  const resolved = resolveOptions(options);
  const exporter = await buildExporter(resolved, options);
  const readers = exporter
    ? [
        new PeriodicExportingMetricReader({
          exporter,
          exportIntervalMillis: resolved.exportIntervalMillis,
          exportTimeoutMillis: resolved.exportTimeoutMillis,
        }),
      ]
    : [];
  const meterProvider = new MeterProvider({ resource: ecsResource(options.resource), readers });
  return createHandle({
    meterProvider,
    instrumentation: attach(meterProvider, options.instrumentation),
    flush: () => meterProvider.forceFlush(),
    stop: () => meterProvider.shutdown(),
    shutdown: resolved,
  });
}

/**
 * Adds the ECS task metrics instruments to a provider the app already has, such as the one `NodeSDK`
 * registers globally (call it after `sdk.start()`), with the same shutdown hooks. The provider stays the app's:
 * on a signal or `shutdown()` it is flushed, never shut down.
 */
export function addEcsTaskMetrics(options: AddEcsTaskMetricsOptions = {}): EcsTaskMetricsHandle {
  const meterProvider = options.meterProvider ?? metrics.getMeterProvider();
  const flush = async () => {
    const flushable = meterProvider as { forceFlush?: () => Promise<void> };
    if (typeof flushable.forceFlush === 'function') await flushable.forceFlush();
  };
  return createHandle({
    meterProvider,
    instrumentation: attach(meterProvider, options.instrumentation),
    flush,
    stop: flush,
    shutdown: resolveShutdown(options, options.env ?? process.env),
  });
}
