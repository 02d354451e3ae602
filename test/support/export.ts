import type { ExportResult } from '@opentelemetry/core';
import type { PushMetricExporter, ResourceMetrics } from '@opentelemetry/sdk-metrics';

/** One export through the PushMetricExporter contract, as a promise of its single result. */
export function exportOnce(
  exporter: PushMetricExporter,
  metrics: ResourceMetrics,
): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(metrics, resolve));
}
