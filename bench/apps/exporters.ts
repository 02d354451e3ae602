/*
 * The exporter an app child uses:
 * - `serialize-discard` stands for any in-process exporter: it serializes every export to JSON and drops it;
 * - `otlp`: OTLP/HTTP to a collector (the ADOT sidecar path), with the project's exporter-otlp.
 */
import { createOtlpMetricExporter } from '@ecs-task-metrics/exporter-otlp';
import { ExportResultCode } from '@opentelemetry/core';
import type { PushMetricExporter, ResourceMetrics } from '@opentelemetry/sdk-metrics';

export type ExporterKind = 'serialize-discard' | 'otlp';

class SerializeDiscardExporter implements PushMetricExporter {
  bytes = 0;
  export(metrics: ResourceMetrics, done: (result: { code: ExportResultCode }) => void): void {
    this.bytes += JSON.stringify(metrics.scopeMetrics).length;
    done({ code: ExportResultCode.SUCCESS });
  }
  async forceFlush(): Promise<void> {}
  async shutdown(): Promise<void> {}
}

export async function createExporter(
  kind: ExporterKind,
  options: { otlpUrl?: string } = {},
): Promise<PushMetricExporter> {
  switch (kind) {
    case 'serialize-discard':
      return new SerializeDiscardExporter();
    case 'otlp':
      return createOtlpMetricExporter({ url: options.otlpUrl });
  }
}
