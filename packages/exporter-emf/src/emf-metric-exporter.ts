import type { Writable } from 'node:stream';
import {
  type CloudWatchDatum,
  CloudWatchMappedExporter,
} from '@ecs-task-metrics/cloudwatch-mapping';
import { diag } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { BoundedLineWriter } from './bounded-line-writer.js';
import { groupIntoDocuments, MAX_VALUES_PER_ARRAY, serializeDocuments } from './emf-documents.js';
import type { EmfMetricExporterOptions } from './types.js';

const FLUSH_TIMEOUT_MS = 30_000;

/**
 * A `PushMetricExporter` that writes CloudWatch Embedded Metric Format documents, one JSON per
 * line, to stdout (or any stream). On ECS the `awslogs` log driver (or FireLens) ships them to
 * CloudWatch Logs, which extracts the metrics: no sidecar, no PutMetricData calls.
 */
export class EmfMetricExporter extends CloudWatchMappedExporter {
  private readonly maxDocumentBytes: number;
  private readonly writer: BoundedLineWriter;

  constructor(options: EmfMetricExporterOptions = {}) {
    super(options, {
      maxValuesPerDatum: Math.min(
        options.maxValuesPerDatum ?? MAX_VALUES_PER_ARRAY,
        MAX_VALUES_PER_ARRAY,
      ),
    });
    this.maxDocumentBytes = options.maxDocumentBytes ?? 16_000;
    const stream: Writable = options.stream ?? process.stdout;
    this.writer = new BoundedLineWriter(stream, options.maxBufferedBytes ?? 1024 * 1024);
  }

  /** EMF documents dropped so far because the stream was not keeping up. */
  get droppedDocuments(): number {
    return this.writer.dropped;
  }

  protected override afterFlush(): Promise<void> {
    return this.writer.drain(AbortSignal.timeout(FLUSH_TIMEOUT_MS));
  }

  protected override afterShutdown(): Promise<void> {
    return this.writer.drain(AbortSignal.timeout(FLUSH_TIMEOUT_MS));
  }

  protected override async deliver(datums: CloudWatchDatum[]): Promise<ExportResult> {
    const { documents, conflicts } = groupIntoDocuments(datums, this.namespace);
    const { lines, oversized } = serializeDocuments(documents, this.maxDocumentBytes);
    for (const name of [...conflicts.map((d) => d.MetricName), ...oversized]) {
      this.state.warnOnce(
        `emf-unwritable:${name}`,
        `EMF exporter: dropped metric ${name}: its name is a dimension's or it does not fit in one document`,
      );
    }
    const dropped = lines.filter((line) => !this.writer.write(line)).length;
    if (dropped === 0) return { code: ExportResultCode.SUCCESS };
    const message = `EMF exporter: dropped ${dropped} of ${lines.length} documents (${this.writer.dropped} in all): the stream is not keeping up`;
    diag.warn(message);
    return { code: ExportResultCode.FAILED, error: new Error(message) };
  }
}
