import {
  CloudWatchMappingState,
  cloudWatchTemporality,
  DEFAULT_NAMESPACE,
  mapResourceMetrics,
  PendingExports,
  type ResolvedMappingOptions,
  resolveMappingOptions,
} from '@ecs-task-metrics/cloudwatch-mapping';
import { diag } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type {
  AggregationTemporality,
  InstrumentType,
  PushMetricExporter,
  ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { BoundedLineWriter } from './bounded-line-writer.js';
import { groupIntoDocuments, MAX_VALUES_PER_ARRAY, serializeDocuments } from './emf-documents.js';
import type { EmfMetricExporterOptions } from './types.js';

const FLUSH_TIMEOUT_MS = 30_000;

/**
 * A `PushMetricExporter` that writes CloudWatch Embedded Metric Format documents, one JSON per
 * line, to stdout (or any stream). On ECS the `awslogs` log driver (or FireLens) ships them to
 * CloudWatch Logs, which extracts the metrics: no sidecar, no PutMetricData calls.
 */
export class EmfMetricExporter implements PushMetricExporter {
  private readonly namespace: string;
  private readonly maxDocumentBytes: number;
  private readonly mapping: ResolvedMappingOptions;
  private readonly writer: BoundedLineWriter;
  private readonly state = new CloudWatchMappingState();
  private readonly pending = new PendingExports();

  constructor(options: EmfMetricExporterOptions = {}) {
    const exportIntervalMillis = options.exportIntervalMillis ?? 60_000;
    this.namespace = options.namespace ?? DEFAULT_NAMESPACE;
    this.maxDocumentBytes = options.maxDocumentBytes ?? 16_000;
    this.mapping = resolveMappingOptions({
      ...options,
      highResolution: options.highResolution ?? exportIntervalMillis < 60_000,
      maxValuesPerDatum: Math.min(
        options.maxValuesPerDatum ?? MAX_VALUES_PER_ARRAY,
        MAX_VALUES_PER_ARRAY,
      ),
    });
    this.writer = new BoundedLineWriter(
      options.stream ?? process.stdout,
      options.maxBufferedBytes ?? 1024 * 1024,
    );
  }

  /** EMF documents dropped so far because the stream was not keeping up. */
  get droppedDocuments(): number {
    return this.writer.dropped;
  }

  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    this.pending.run(async () => this.write(metrics), resultCallback);
  }

  async forceFlush(): Promise<void> {
    await this.pending.flush();
    await this.writer.drain(AbortSignal.timeout(FLUSH_TIMEOUT_MS));
  }

  async shutdown(): Promise<void> {
    await this.pending.shutdown();
    await this.writer.drain(AbortSignal.timeout(FLUSH_TIMEOUT_MS));
  }

  selectAggregationTemporality(instrumentType: InstrumentType): AggregationTemporality {
    return cloudWatchTemporality(instrumentType);
  }

  private write(metrics: ResourceMetrics): ExportResult {
    const datums = mapResourceMetrics(metrics, this.mapping, this.state);
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
