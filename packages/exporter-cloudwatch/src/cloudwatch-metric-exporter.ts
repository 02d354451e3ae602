import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import {
  type CloudWatchDatum,
  CloudWatchMappedExporter,
} from '@ecs-task-metrics/cloudwatch-mapping';
import { diag } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { batchDatums } from './batches.js';
import { type DeliveryOutcome, deliverBatch } from './deliver-batch.js';
import type { CloudWatchMetricExporterOptions } from './types.js';

/**
 * A `PushMetricExporter` that sends metrics to Amazon CloudWatch with PutMetricData. Use it with a
 * `PeriodicExportingMetricReader`; it asks for DELTA temporality and differences cumulative input.
 * An export is FAILED only when datums were not delivered for a reason other than CloudWatch
 * rejecting those datums as invalid (those are dropped with a diagnostic; retrying cannot help).
 */
export class CloudWatchMetricExporter extends CloudWatchMappedExporter {
  private readonly exportTimeoutMillis: number;
  private readonly limits: { maxDatums: number; maxBytes: number; concurrency: number };
  private readonly client: CloudWatchClient;
  private readonly ownsClient: boolean;

  constructor(options: CloudWatchMetricExporterOptions = {}) {
    super(options);
    this.exportTimeoutMillis = options.exportTimeoutMillis ?? 30_000;
    this.limits = {
      maxDatums: Math.min(options.maxDatumsPerRequest ?? 1000, 1000),
      maxBytes: options.maxRequestBytes ?? 1_000_000,
      concurrency: Math.max(1, options.maxConcurrentRequests ?? 4),
    };
    this.ownsClient = options.client === undefined;
    this.client =
      options.client ??
      new CloudWatchClient({ maxAttempts: options.maxAttempts ?? 5, ...options.clientConfig });
  }

  protected override async afterShutdown(): Promise<void> {
    if (this.ownsClient) this.client.destroy();
  }

  protected override async deliver(datums: CloudWatchDatum[]): Promise<ExportResult> {
    const batches = batchDatums(datums, { namespace: this.namespace, ...this.limits });
    const signal = AbortSignal.timeout(this.exportTimeoutMillis);
    const outcomes = await mapWithConcurrency(batches, this.limits.concurrency, (batch) =>
      deliverBatch(this.client, this.namespace, batch, signal),
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
