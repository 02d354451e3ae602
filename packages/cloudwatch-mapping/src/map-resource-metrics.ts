import type { Attributes, HrTime } from '@opentelemetry/api';
import { hrTimeToMilliseconds } from '@opentelemetry/core';
import {
  AggregationTemporality,
  type DataPoint,
  DataPointType,
  type MetricData,
  type ResourceMetrics,
  type ScopeMetrics,
} from '@opentelemetry/sdk-metrics';
import {
  attributeDimensions,
  dimensionSets,
  HIGH_CARDINALITY_ATTRIBUTES,
  MAX_DIMENSIONS,
} from './dimensions.js';
import {
  type Distribution,
  exponentialBuckets,
  fromExplicitHistogram,
  fromExponentialBuckets,
  scaleDistribution,
  splitDistribution,
} from './distribution.js';
import type { CloudWatchMappingState, ExponentialPoint } from './mapping-state.js';
import { findMetricNameRule } from './metric-names.js';
import type { ResolvedMappingOptions } from './options.js';
import type { CloudWatchDatum, CloudWatchDimension, CloudWatchUnit } from './types.js';
import { isUtilization, toCloudWatchUnit } from './units.js';
import { clampToCloudWatch } from './values.js';

/** What one point becomes before it is cut into datums: a number or a distribution. */
type PointValue = { scalar: number } | { distribution: Distribution };

interface MappingContext {
  options: ResolvedMappingOptions;
  state: CloudWatchMappingState;
  resourceDimensions: CloudWatchDimension[];
  excluded: ReadonlySet<string>;
  out: CloudWatchDatum[];
}

/**
 * Maps one collection to CloudWatch datums: names, units, dimensions, per-export deltas for
 * cumulative monotonic sums and histograms (remembered in `state`), histograms as statistic sets
 * plus values and counts split to `maxValuesPerDatum`. Non-finite values are dropped with a
 * diagnostic; finite ones are clamped to the range CloudWatch accepts.
 */
export function mapResourceMetrics(
  resourceMetrics: ResourceMetrics,
  options: ResolvedMappingOptions,
  state: CloudWatchMappingState,
): CloudWatchDatum[] {
  state.beginCollection();
  const excluded = new Set(options.highCardinalityDimensions ? [] : HIGH_CARDINALITY_ATTRIBUTES);
  const resourceKeys = options.highCardinalityDimensions
    ? [...options.resourceDimensions, 'aws.ecs.task.arn']
    : options.resourceDimensions;
  const context: MappingContext = {
    options,
    state,
    resourceDimensions: attributeDimensions(
      resourceMetrics.resource.attributes,
      new Set(resourceKeys),
      excluded,
    ),
    excluded,
    out: [],
  };
  for (const scope of resourceMetrics.scopeMetrics) {
    for (const metric of scope.metrics) mapMetric(context, scope, metric);
  }
  return context.out;
}

function mapMetric(context: MappingContext, scope: ScopeMetrics, metric: MetricData): void {
  const cumulative = metric.aggregationTemporality === AggregationTemporality.CUMULATIVE;
  const keyPrefix = `${scope.scope.name}@${scope.scope.version ?? ''}\u0000${metric.descriptor.name}`;
  const key = (p: DataPoint<unknown>) => `${keyPrefix}\u0000${attributesKey(p.attributes)}`;
  const { state } = context;
  switch (metric.dataPointType) {
    case DataPointType.GAUGE:
      for (const p of metric.dataPoints) emit(context, metric, p, startOf(p), { scalar: p.value });
      return;
    case DataPointType.SUM:
      for (const p of metric.dataPoints) {
        if (cumulative && metric.isMonotonic) {
          const delta = state.sumDelta(key(p), p.value, startOf(p), endOf(p));
          emit(context, metric, p, delta.startMs, { scalar: delta.value });
        } else {
          emit(context, metric, p, startOf(p), { scalar: p.value });
        }
      }
      return;
    case DataPointType.HISTOGRAM:
      for (const p of metric.dataPoints) {
        const delta = cumulative
          ? state.histogramDelta(key(p), p.value, startOf(p), endOf(p))
          : { value: p.value, startMs: startOf(p) };
        const distribution = fromExplicitHistogram(delta.value);
        if (distribution) emit(context, metric, p, delta.startMs, { distribution });
      }
      return;
    case DataPointType.EXPONENTIAL_HISTOGRAM:
      for (const p of metric.dataPoints) {
        const point: ExponentialPoint = { ...p.value, buckets: exponentialBuckets(p.value) };
        const delta = cumulative
          ? state.exponentialDelta(key(p), point, startOf(p), endOf(p))
          : { value: point, startMs: startOf(p) };
        const distribution = fromExponentialBuckets(delta.value.buckets, delta.value);
        if (distribution) emit(context, metric, p, delta.startMs, { distribution });
      }
      return;
  }
}

function emit(
  context: MappingContext,
  metric: MetricData,
  point: DataPoint<unknown>,
  startMs: number,
  value: PointValue,
): void {
  const { options, state } = context;
  const { name, unit } = metric.descriptor;
  const rule = findMetricNameRule(options.metricNames, name, point.attributes);
  const percent = !rule && options.utilizationAsPercent && isUtilization(name, unit);
  const metricName = rule?.name ?? name;
  const cloudWatchUnit: CloudWatchUnit =
    rule?.unit ?? (percent ? 'Percent' : toCloudWatchUnit(unit));
  const endMs = endOf(point);
  let factor = rule?.scale ?? (percent ? 100 : 1);
  if (rule?.perSecond) {
    const seconds = (endMs - startMs) / 1000;
    if (!(seconds > 0)) return;
    factor /= seconds;
  }

  if (!isFinitePointValue(value)) {
    state.warnOnce(
      `non-finite:${name}`,
      `CloudWatch mapping: dropped a NaN or infinite value of ${name}; CloudWatch rejects them`,
    );
    return;
  }

  const excluded = rule?.attribute
    ? new Set([...context.excluded, rule.attribute])
    : context.excluded;
  const pointDimensions = attributeDimensions(
    point.attributes,
    Object.keys(point.attributes),
    excluded,
  );
  const { sets, truncated } = dimensionSets(
    context.resourceDimensions,
    pointDimensions,
    options.dimensionRollups,
  );
  if (truncated) {
    state.warnOnce(
      `dimensions:${name}`,
      `CloudWatch mapping: ${name} has more than ${MAX_DIMENSIONS} dimensions; kept the first ${MAX_DIMENSIONS} by name`,
    );
  }

  const base = {
    MetricName: metricName,
    Timestamp: new Date(endMs),
    Unit: cloudWatchUnit,
    ...(options.highResolution ? { StorageResolution: 1 as const } : {}),
  };
  for (const Dimensions of sets) {
    if ('scalar' in value) {
      context.out.push({ ...base, Dimensions, Value: clampToCloudWatch(value.scalar * factor) });
      continue;
    }
    const distribution = scaleDistribution(value.distribution, factor);
    for (const part of splitDistribution(distribution, options.maxValuesPerDatum)) {
      context.out.push({
        ...base,
        Dimensions,
        StatisticValues: {
          SampleCount: part.stats.SampleCount,
          Sum: clampToCloudWatch(part.stats.Sum),
          Minimum: clampToCloudWatch(part.stats.Minimum),
          Maximum: clampToCloudWatch(part.stats.Maximum),
        },
        Values: part.values.map(clampToCloudWatch),
        Counts: part.counts,
      });
    }
  }
}

function isFinitePointValue(value: PointValue): boolean {
  if ('scalar' in value) return Number.isFinite(value.scalar);
  const d = value.distribution;
  return (
    Number.isFinite(d.sum) &&
    Number.isFinite(d.min) &&
    Number.isFinite(d.max) &&
    d.values.every(Number.isFinite)
  );
}

const startOf = (p: { startTime: HrTime }) => hrTimeToMilliseconds(p.startTime);
const endOf = (p: { endTime: HrTime }) => hrTimeToMilliseconds(p.endTime);

function attributesKey(attributes: Attributes): string {
  return JSON.stringify(
    Object.keys(attributes)
      .sort()
      .map((k) => [k, attributes[k]]),
  );
}
