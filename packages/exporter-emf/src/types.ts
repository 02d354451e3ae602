import type { Writable } from 'node:stream';
import type { MappedExporterOptions } from '@ecs-task-metrics/cloudwatch-mapping';

/** Options of {@link EmfMetricExporter}; the mapping options are shared with the PutMetricData exporter. */
export interface EmfMetricExporterOptions extends MappedExporterOptions {
  /** Where the EMF lines go. Default `process.stdout` (read when the exporter is created). */
  stream?: Writable;
  /**
   * Bytes the stream may hold unwritten before new documents are dropped (and counted) instead of
   * queued. Default 1 MiB.
   */
  maxBufferedBytes?: number;
  /**
   * Largest document, in bytes of UTF-8 JSON. CloudWatch Logs takes events up to 256 KB, but Docker
   * and containerd split stdout lines longer than 16 KiB, which would break the JSON. Default 16000.
   */
  maxDocumentBytes?: number;
}
