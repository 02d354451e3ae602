export { AggregationTemporalityPreference } from '@opentelemetry/exporter-metrics-otlp-http';
export { createOtlpMetricExporter } from './otlp-metric-exporter.js';
export type { OtlpMetricExporterOptions } from './types.js';
