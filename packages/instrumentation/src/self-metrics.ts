/*
 * The instrumentation's own health, so a collection that reports nothing is never silent: failed reads of the
 * metadata endpoint counted by cause. Attributes stay low-cardinality (the cause and the endpoint path, never a
 * task or container), and nothing is recorded while all is well, so a healthy task exports no extra series.
 */
import type { Counter, Meter } from '@opentelemetry/api';
import * as sc from './semconv.js';
import type { CollectionFailure } from './types.js';

/**
 * `error.type` of a failure: the HTTP status code for an error answer (as OpenTelemetry's HTTP conventions
 * write it), else the cause (`timeout`, `connection`, `malformed-response`).
 */
export function errorType(failure: CollectionFailure): string {
  return failure.status !== undefined ? String(failure.status) : failure.kind;
}

export class CollectionSelfMetrics {
  private readonly _errors: Counter;

  constructor(meter: Meter) {
    this._errors = meter.createCounter(sc.METRIC_SELF_COLLECTION_ERRORS, {
      unit: '{error}',
      description:
        'Failed reads of the task metadata endpoint, by cause. A failed /task/stats read is a collection that reported nothing; a failed /task read leaves names and limits stale.',
    });
  }

  /** Counts one failed read. */
  failed(failure: CollectionFailure): void {
    this._errors.add(1, {
      [sc.ATTR_ERROR_TYPE]: errorType(failure),
      [sc.ATTR_URL_PATH]: failure.path,
    });
  }
}
