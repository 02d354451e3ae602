import { AggregationTemporality, InstrumentType } from '@opentelemetry/sdk-metrics';

/**
 * The temporality CloudWatch wants: per-export deltas for counters and histograms (CloudWatch sums
 * datums over a period), the current value for up-down counters (they are levels, like gauges).
 */
export function cloudWatchTemporality(instrumentType: InstrumentType): AggregationTemporality {
  switch (instrumentType) {
    case InstrumentType.UP_DOWN_COUNTER:
    case InstrumentType.OBSERVABLE_UP_DOWN_COUNTER:
      return AggregationTemporality.CUMULATIVE;
    default:
      return AggregationTemporality.DELTA;
  }
}
