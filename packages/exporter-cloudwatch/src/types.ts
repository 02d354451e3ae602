import type { CloudWatchClient, CloudWatchClientConfig } from '@aws-sdk/client-cloudwatch';
import type { MappedExporterOptions } from '@ecs-task-metrics/cloudwatch-mapping';

/** Options of {@link CloudWatchMetricExporter}; the mapping options are shared with the EMF exporter. */
export interface CloudWatchMetricExporterOptions extends MappedExporterOptions {
  /** Deadline of one export, retries included; match the reader's `exportTimeoutMillis`. Default 30000. */
  exportTimeoutMillis?: number;
  /** Datums per PutMetricData request (the API allows 1000). Default 1000. */
  maxDatumsPerRequest?: number;
  /** Encoded size of one request body, before compression (the API allows 1 MB). Default 1000000. */
  maxRequestBytes?: number;
  /** Requests in flight at once within one export. Default 4. */
  maxConcurrentRequests?: number;
  /**
   * Attempts per request, with the SDK's standard retry strategy: exponential backoff with jitter
   * on throttling, 5xx and network errors. Default 5.
   */
  maxAttempts?: number;
  /**
   * Configuration of the `CloudWatchClient` the exporter creates. Region and credentials come from
   * the SDK's default chain (on ECS: the task role) unless given here. Request compression (gzip)
   * stays on unless `disableRequestCompression` is set.
   */
  clientConfig?: CloudWatchClientConfig;
  /** A client to use instead of creating one (`clientConfig` and `maxAttempts` are then ignored). */
  client?: CloudWatchClient;
}
