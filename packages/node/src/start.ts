import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { attachInstrumentation } from './attach.js';
import { resolveOptions } from './config.js';
import { buildExporter } from './exporters.js';
import { createHandle } from './handle.js';
import { ecsResource } from './resource.js';
import type { EcsTaskMetricsHandle, EcsTaskMetricsOptions } from './types.js';

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
  const instrumentation = attachInstrumentation(meterProvider, resolved.instrumentation);
  return createHandle({
    meterProvider,
    instrumentation,
    flush: () => meterProvider.forceFlush(),
    // The instrumentation's shutdown waits (bounded) for the agent's next sample, exports it and removes the
    // instruments; the provider's own last collection then has nothing new (with a DELTA exporter, nothing at all:
    // a CUMULATIVE one gets the last values once more) and stops the exporter.
    stop: async () => {
      if (readers.length > 0) await instrumentation.shutdown();
      await meterProvider.shutdown();
    },
    shutdown: resolved,
  });
}
