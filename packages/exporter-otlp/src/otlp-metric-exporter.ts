import {
  AggregationTemporalityPreference,
  OTLPMetricExporter,
} from '@opentelemetry/exporter-metrics-otlp-http';
import type { OtlpMetricExporterOptions } from './types.js';

const TEMPORALITY_VARIABLE = 'OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE';

/**
 * An OTLP/HTTP (JSON) metric exporter for the ADOT collector sidecar running the project's `otel-collector.yaml`.
 * Endpoint, headers and timeout follow the `OTEL_EXPORTER_OTLP_*` variables (read when this is called); the
 * temporality preference defaults to DELTA because the sidecar's `awsemf` exporter writes deltas to CloudWatch.
 * Use it with a `PeriodicExportingMetricReader`.
 */
export function createOtlpMetricExporter(
  options: OtlpMetricExporterOptions = {},
): OTLPMetricExporter {
  const temporalityFromEnv = process.env[TEMPORALITY_VARIABLE]?.trim();
  return new OTLPMetricExporter({
    url: options.url,
    headers: options.headers,
    timeoutMillis: options.timeoutMillis,
    // Undefined hands the choice to the exporter, which reads the variable itself.
    temporalityPreference:
      options.temporalityPreference ??
      (temporalityFromEnv ? undefined : AggregationTemporalityPreference.DELTA),
  });
}
