import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
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
import { batchDatums } from './batches.js';
import { type DeliveryOutcome, deliverBatch } from './deliver-batch.js';
import type { CloudWatchMetricExporterOptions } from './types.js';

interface ResolvedOptions {
  namespace: string;
  exportTimeoutMillis: number;
  maxDatumsPerRequest: number;
  maxRequestBytes: number;
  maxConcurrentRequests: number;
  mapping: ResolvedMappingOptions;
}

function resolveOptions(options: CloudWatchMetricExporterOptions): ResolvedOptions {
  const exportIntervalMillis = options.exportIntervalMillis ?? 60_000;
  return {
    namespace: options.namespace ?? DEFAULT_NAMESPACE,
    exportTimeoutMillis: options.exportTimeoutMillis ?? 30_000,
    maxDatumsPerRequest: Math.min(options.maxDatumsPerRequest ?? 1000, 1000),
    maxRequestBytes: options.maxRequestBytes ?? 1_000_000,
    maxConcurrentRequests: Math.max(1, options.maxConcurrentRequests ?? 4),
    mapping: resolveMappingOptions({
      ...options,
      highResolution: options.highResolution ?? exportIntervalMillis < 60_000,
    }),
  };
}

/**
 * A `PushMetricExporter` that sends metrics to Amazon CloudWatch with PutMetricData. Use it with a
 * `PeriodicExportingMetricReader`; it asks for DELTA temporality and differences cumulative input.
 * An export is FAILED only when datums were not delivered for a reason other than CloudWatch
 * rejecting those datums as invalid (those are dropped with a diagnostic; retrying cannot help).
 */
export class CloudWatchMetricExporter implements PushMetricExporter {
  private readonly options: ResolvedOptions;
  private readonly client: CloudWatchClient;
  private readonly ownsClient: boolean;
  private readonly state = new CloudWatchMappingState();
  private readonly pending = new PendingExports();

  constructor(options: CloudWatchMetricExporterOptions = {}) {
    this.options = resolveOptions(options);
    this.ownsClient = options.client === undefined;
    this.client =
      options.client ??
      new CloudWatchClient({ maxAttempts: options.maxAttempts ?? 5, ...options.clientConfig });
  }

  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    this.pending.run(() => this.send(metrics), resultCallback);
  }

  forceFlush(): Promise<void> {
    return this.pending.flush();
  }

  async shutdown(): Promise<void> {
    await this.pending.shutdown();
    if (this.ownsClient) this.client.destroy();
  }

  selectAggregationTemporality(instrumentType: InstrumentType): AggregationTemporality {
    return cloudWatchTemporality(instrumentType);
  }

  private async send(metrics: ResourceMetrics): Promise<ExportResult> {
    const { namespace, maxDatumsPerRequest, maxRequestBytes } = this.options;
    const datums = mapResourceMetrics(metrics, this.options.mapping, this.state);
    const batches = batchDatums(datums, {
      namespace,
      maxDatums: maxDatumsPerRequest,
      maxBytes: maxRequestBytes,
    });
    const signal = AbortSignal.timeout(this.options.exportTimeoutMillis);
    const outcomes = await mapWithConcurrency(
      batches,
      this.options.maxConcurrentRequests,
      (batch) => deliverBatch(this.client, namespace, batch, signal),
    );
    const failed = outcomes.filter((o) => o.error);
    if (failed.length === 0) return { code: ExportResultCode.SUCCESS };
    const undelivered = datums.length - sum(outcomes, (o) => o.delivered + o.rejected);
    diag.error(
      `CloudWatch exporter: ${undelivered} of ${datums.length} datums not delivered: ${failed[0]!.error!.message}`,
    );
    return { code: ExportResultCode.FAILED, error: failed[0]!.error! };
  }
}

const sum = (outcomes: DeliveryOutcome[], f: (o: DeliveryOutcome) => number) =>
  outcomes.reduce((a, o) => a + f(o), 0);

/** Runs `work` over `items` with at most `limit` at once, keeping the order of results. */
async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
