/*
 * The exporters' own health, so lost datums are never silent: failed exports, datums not delivered, and the AWS
 * SDK's retries, by cause. Attributes stay low-cardinality (the cause and the kind of exporter) and nothing is
 * recorded while all is well, so a healthy task exports no extra series.
 */
import { type Counter, type MeterProvider, metrics } from '@opentelemetry/api';

export const METRIC_EXPORT_ERRORS = 'ecs_task_metrics.export.errors';
export const METRIC_EXPORT_DATUMS_DROPPED = 'ecs_task_metrics.export.datums.dropped';
export const METRIC_EXPORT_RETRIES = 'ecs_task_metrics.export.retries';
const ATTR_ERROR_TYPE = 'error.type';
const ATTR_COMPONENT_TYPE = 'otel.component.type';
const METER_NAME = '@ecs-task-metrics/cloudwatch-mapping';

interface Counters {
  errors: Counter;
  dropped: Counter;
  retries: Counter;
}

/**
 * `error.type` of a failure: the AWS error code or name (`Throttling`, `InternalServiceError`, `TimeoutError`...),
 * a network error's code (`ECONNRESET`...), else `_OTHER`. Never the message.
 */
export function exportErrorType(error: unknown): string {
  if (!(error instanceof Error)) return '_OTHER';
  const e = error as Error & { code?: unknown; Code?: unknown; cause?: { code?: unknown } };
  for (const candidate of [e.Code, e.code, e.cause?.code, e.name]) {
    if (typeof candidate === 'string' && /^[A-Za-z0-9_.-]{1,64}$/.test(candidate)) return candidate;
  }
  return '_OTHER';
}

export class ExportSelfMetrics {
  private provider: MeterProvider | undefined;
  private readonly counters = new WeakMap<MeterProvider, Counters>();

  /** `componentType` names the exporter, as `otel.component.type` (`cloudwatch_metric_exporter`...). */
  constructor(
    private readonly componentType: string,
    provider?: MeterProvider,
  ) {
    this.provider = provider;
  }

  /** The provider to record on; by default the global one, looked up when something is recorded. */
  setMeterProvider(provider: MeterProvider): void {
    this.provider = provider;
  }

  /** One export that failed. */
  failed(errorType: string): void {
    this.instruments().errors.add(1, this.attributes(errorType));
  }

  /** Datums that will not reach CloudWatch: rejected as invalid, or lost with a failed export. */
  dropped(errorType: string, count: number): void {
    if (count > 0) this.instruments().dropped.add(count, this.attributes(errorType));
  }

  /** Requests the AWS SDK sent again (throttling, 5xx, network errors). */
  retried(count: number): void {
    if (count > 0)
      this.instruments().retries.add(count, { [ATTR_COMPONENT_TYPE]: this.componentType });
  }

  private attributes(errorType: string) {
    return { [ATTR_ERROR_TYPE]: errorType, [ATTR_COMPONENT_TYPE]: this.componentType };
  }

  private instruments(): Counters {
    const provider = this.provider ?? metrics.getMeterProvider();
    let counters = this.counters.get(provider);
    if (!counters) {
      const meter = provider.getMeter(METER_NAME);
      counters = {
        errors: meter.createCounter(METRIC_EXPORT_ERRORS, {
          unit: '{error}',
          description: 'Exports that failed, by cause.',
        }),
        dropped: meter.createCounter(METRIC_EXPORT_DATUMS_DROPPED, {
          unit: '{datum}',
          description: 'Datums that did not reach CloudWatch, by cause.',
        }),
        retries: meter.createCounter(METRIC_EXPORT_RETRIES, {
          unit: '{retry}',
          description: 'PutMetricData requests the AWS SDK sent again.',
        }),
      };
      this.counters.set(provider, counters);
    }
    return counters;
  }
}
