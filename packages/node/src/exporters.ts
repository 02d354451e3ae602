/*
 * The exporter named in the options. The CloudWatch and EMF exporters are imported only when chosen, so an app
 * that exports OTLP never loads the AWS SDK.
 */
import { createOtlpMetricExporter } from '@ecs-task-metrics/exporter-otlp';
import { ConsoleMetricExporter, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { type ResolvedOptions, resolveOptions } from './config.js';
import type { EcsTaskMetricsOptions, ExporterName } from './types.js';

/** The package of each exporter that lives outside this one. */
export const EXPORTER_PACKAGES = {
  cloudwatch: '@ecs-task-metrics/exporter-cloudwatch',
  emf: '@ecs-task-metrics/exporter-emf',
} as const;

/**
 * `import()` of an exporter package, with an error that says what to install when it is missing (an install
 * that pruned it, or a bundle that left it out).
 */
export async function importExporter<T>(
  name: keyof typeof EXPORTER_PACKAGES | string,
  load: () => Promise<T>,
): Promise<T> {
  try {
    return await load();
  } catch (err) {
    if ((err as NodeJS.ErrnoException)?.code !== 'ERR_MODULE_NOT_FOUND') throw err;
    const pkg = EXPORTER_PACKAGES[name as keyof typeof EXPORTER_PACKAGES] ?? name;
    throw new Error(`the "${name}" exporter needs ${pkg}: install ${pkg}`, { cause: err });
  }
}

/**
 * The exporter `startEcsTaskMetrics` would use, for an app that builds its own reader (e.g. in `NodeSDK`'s
 * `metricReaders`); undefined for `none`. Rejects when the exporter's package is not installed.
 */
export function createMetricExporter(
  options: EcsTaskMetricsOptions & { exporter: Exclude<ExporterName, 'none'> | PushMetricExporter },
): Promise<PushMetricExporter>;
export function createMetricExporter(
  options?: EcsTaskMetricsOptions,
): Promise<PushMetricExporter | undefined>;
export function createMetricExporter(
  options: EcsTaskMetricsOptions = {},
): Promise<PushMetricExporter | undefined> {
  return buildExporter(resolveOptions(options), options);
}

export async function buildExporter(
  resolved: ResolvedOptions,
  options: Pick<EcsTaskMetricsOptions, 'otlp' | 'cloudwatch' | 'emf'>,
): Promise<PushMetricExporter | undefined> {
  const { exporter } = resolved;
  if (typeof exporter === 'object') return exporter;
  switch (exporter) {
    case 'none':
      return undefined;
    case 'console':
      return new ConsoleMetricExporter();
    case 'otlp':
      // DELTA unless OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE says otherwise (the sidecar's awsemf wants it).
      return createOtlpMetricExporter(options.otlp);
    case 'cloudwatch': {
      const { CloudWatchMetricExporter } = await importExporter(
        'cloudwatch',
        () => import('@ecs-task-metrics/exporter-cloudwatch'),
      );
      return new CloudWatchMetricExporter({
        namespace: resolved.namespace,
        metricNames: resolved.metricNames,
        exportIntervalMillis: resolved.exportIntervalMillis,
        exportTimeoutMillis: resolved.exportTimeoutMillis,
        ...options.cloudwatch,
      });
    }
    case 'emf': {
      const { EmfMetricExporter } = await importExporter(
        'emf',
        () => import('@ecs-task-metrics/exporter-emf'),
      );
      return new EmfMetricExporter({
        namespace: resolved.namespace,
        metricNames: resolved.metricNames,
        exportIntervalMillis: resolved.exportIntervalMillis,
        ...options.emf,
      });
    }
  }
}
