import type { CloudWatchDatum } from '@ecs-task-metrics/cloudwatch-mapping';

/**
 * Bytes a datum adds to a PutMetricData body in the SDK's JSON protocol (timestamps are epoch
 * seconds there), plus the comma that separates it from the next one.
 */
export function encodedDatumSize(datum: CloudWatchDatum): number {
  return (
    Buffer.byteLength(JSON.stringify({ ...datum, Timestamp: datum.Timestamp.getTime() / 1000 })) + 1
  );
}

/** Bytes of a request body without its datums. */
export function requestOverheadSize(namespace: string): number {
  return Buffer.byteLength(JSON.stringify({ Namespace: namespace, MetricData: [] }));
}

/**
 * Cuts datums into requests of at most `maxDatums` datums and `maxBytes` encoded bytes, in order.
 * A datum too large for any request on its own still gets a request of its own.
 */
export function batchDatums(
  datums: readonly CloudWatchDatum[],
  limits: { namespace: string; maxDatums: number; maxBytes: number },
): CloudWatchDatum[][] {
  const overhead = requestOverheadSize(limits.namespace);
  const batches: CloudWatchDatum[][] = [];
  let current: CloudWatchDatum[] = [];
  let size = overhead;
  for (const datum of datums) {
    const datumSize = encodedDatumSize(datum);
    if (
      current.length > 0 &&
      (current.length >= limits.maxDatums || size + datumSize > limits.maxBytes)
    ) {
      batches.push(current);
      current = [];
      size = overhead;
    }
    current.push(datum);
    size += datumSize;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
