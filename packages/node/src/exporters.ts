/*
 * The exporter named in the options. The CloudWatch and EMF exporters are imported only when chosen, so an app
 * that exports OTLP never loads the AWS SDK.
 */
import { createOtlpMetricExporter } from '@ecs-task-metrics/exporter-otlp';
import { ConsoleMetricExporter, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { type ResolvedOptions, resolveOptions } from './config.js';
import type { EcsTaskMetricsOptions } from './types.js';

/** The package of each exporter that lives outside this one. */
export const EXPORTER_PACKAGES = {
  cloudwatch: '@ecs-task-metrics/exporter-cloudwatch',
  emf: '@ecs-task-metrics/exporter-emf',
} as const;

type ExporterModule = Record<string, unknown>;

async function importExporterPackage(
  name: keyof typeof EXPORTER_PACKAGES,
): Promise<ExporterModule> {
  const pkg = EXPORTER_PACKAGES[name];
  try {
    return (await import(pkg)) as ExporterModule;
  } catch (err) {
    if ((err as NodeJS.ErrnoException)?.code === 'ERR_MODULE_NOT_FOUND') {
      throw new Error(`the "${name}" exporter needs ${pkg}: install ${pkg}`, { cause: err });
    }
    throw err;
  }
}

function construct(mod: ExporterModule, className: string, options: object): PushMetricExporter {
  const Exporter = mod[className] as (new (options: object) => PushMetricExporter) | undefined;
  if (typeof Exporter !== 'function') throw new Error(`${className} is missing from its package`);
  return new Exporter(options);
}

/**
 * The exporter `startEcsTaskMetrics` would use, for an app that builds its own reader (e.g. in `NodeSDK`'s
 * `metricReaders`); undefined for `none`. Rejects when the exporter's package is not installed.
 */
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
    case 'cloudwatch':
      return construct(await importExporterPackage('cloudwatch'), 'CloudWatchMetricExporter', {
        namespace: resolved.namespace,
        metricNames: resolved.metricNames,
        exportIntervalMillis: resolved.exportIntervalMillis,
        exportTimeoutMillis: resolved.exportTimeoutMillis,
        ...options.cloudwatch,
      });
    case 'emf':
      return construct(await importExporterPackage('emf'), 'EmfMetricExporter', {
        namespace: resolved.namespace,
        metricNames: resolved.metricNames,
        ...options.emf,
      });
  }
}
