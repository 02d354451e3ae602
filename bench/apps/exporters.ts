/*
 * The exporter an app child uses. `serialize-discard` stands for any exporter: it serializes every export to
 * JSON and drops it (no network), so the app does an exporter's work per collection without a peer.
 */
import { ExportResultCode } from '@opentelemetry/core';
import type { PushMetricExporter, ResourceMetrics } from '@opentelemetry/sdk-metrics';

export type ExporterKind = 'serialize-discard';

class SerializeDiscardExporter implements PushMetricExporter {
  bytes = 0;
  export(metrics: ResourceMetrics, done: (result: { code: ExportResultCode }) => void): void {
    this.bytes += JSON.stringify(metrics.scopeMetrics).length;
    done({ code: ExportResultCode.SUCCESS });
  }
  async forceFlush(): Promise<void> {}
  async shutdown(): Promise<void> {}
}

export async function createExporter(kind: ExporterKind): Promise<PushMetricExporter> {
  switch (kind) {
    case 'serialize-discard':
      return new SerializeDiscardExporter();
  }
}
