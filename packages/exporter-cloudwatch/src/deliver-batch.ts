import { type CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import type { CloudWatchDatum } from '@ecs-task-metrics/cloudwatch-mapping';
import { diag } from '@opentelemetry/api';

/** What became of one batch: datums CloudWatch took, datums it rejected, and an error that stopped the rest. */
export interface DeliveryOutcome {
  delivered: number;
  rejected: number;
  error?: Error;
}

// Errors that blame the data, not the service: retrying cannot help, but the other datums of the
// request are fine. (PutMetricData rejects the whole request for one bad datum.)
const INVALID_DATA_CODES = new Set([
  'InvalidParameterValue',
  'InvalidParameterCombination',
  'MissingParameter',
  'MissingRequiredParameter',
  'ValidationError',
]);

interface ServiceError extends Error {
  Code?: string;
  $metadata?: { httpStatusCode?: number };
}

function isInvalidDataError(error: unknown): error is ServiceError {
  if (!(error instanceof Error)) return false;
  const e = error as ServiceError;
  const code = e.Code ?? e.name.replace(/Exception$/, '');
  return e.$metadata?.httpStatusCode === 400 && INVALID_DATA_CODES.has(code);
}

/**
 * Sends one batch with PutMetricData (the client retries throttling, 5xx and network errors). When
 * CloudWatch rejects the request for invalid data, the batch is halved until the offending datums
 * are alone; those are dropped with a diagnostic and everything else is delivered.
 */
export async function deliverBatch(
  client: CloudWatchClient,
  namespace: string,
  batch: CloudWatchDatum[],
  abortSignal: AbortSignal,
): Promise<DeliveryOutcome> {
  try {
    await client.send(new PutMetricDataCommand({ Namespace: namespace, MetricData: batch }), {
      abortSignal,
    });
    return { delivered: batch.length, rejected: 0 };
  } catch (error) {
    if (!isInvalidDataError(error)) {
      return {
        delivered: 0,
        rejected: 0,
        error: error instanceof Error ? error : new Error(String(error)),
      };
    }
    if (batch.length === 1) {
      diag.warn(
        `CloudWatch exporter: dropped datum ${batch[0]!.MetricName} that CloudWatch rejected: ${error.message}`,
      );
      return { delivered: 0, rejected: 1 };
    }
    const middle = Math.ceil(batch.length / 2);
    const halves = await Promise.all([
      deliverBatch(client, namespace, batch.slice(0, middle), abortSignal),
      deliverBatch(client, namespace, batch.slice(middle), abortSignal),
    ]);
    return {
      delivered: halves[0].delivered + halves[1].delivered,
      rejected: halves[0].rejected + halves[1].rejected,
      ...(halves[0].error || halves[1].error ? { error: halves[0].error ?? halves[1].error } : {}),
    };
  }
}
