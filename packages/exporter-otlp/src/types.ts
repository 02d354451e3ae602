import type { AggregationTemporalityPreference } from '@opentelemetry/exporter-metrics-otlp-http';

/** Options of {@link createOtlpMetricExporter}; every one is optional. */
export interface OtlpMetricExporterOptions {
  /**
   * Full OTLP/HTTP metrics URL. When absent the exporter reads the usual variables:
   * `OTEL_EXPORTER_OTLP_METRICS_ENDPOINT` (used as is), else `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/metrics`,
   * else `http://localhost:4318/v1/metrics`: the ADOT sidecar of the same awsvpc task.
   */
  url?: string;
  /**
   * Temporality preference. Default: `OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE` when set, else DELTA,
   * which is what the collector's `awsemf` exporter publishes as is (it turns cumulative sums into deltas itself,
   * dropping each series' first point).
   */
  temporalityPreference?: AggregationTemporalityPreference;
  /** Extra HTTP headers. Default: `OTEL_EXPORTER_OTLP_METRICS_HEADERS` / `OTEL_EXPORTER_OTLP_HEADERS`. */
  headers?: Record<string, string>;
  /** Export timeout in milliseconds. Default: `OTEL_EXPORTER_OTLP_METRICS_TIMEOUT` / `..._TIMEOUT`, else 10 000. */
  timeoutMillis?: number;
}
