import type { ExponentialHistogram, Histogram } from '@opentelemetry/sdk-metrics';
import type { CloudWatchStatisticSet } from './types.js';

/**
 * A histogram as CloudWatch sees it: ascending representative values with their counts, plus the
 * exact statistics of the point.
 */
export interface Distribution {
  values: number[];
  counts: number[];
  count: number;
  sum: number;
  min: number;
  max: number;
}

/** A part of a distribution small enough for one datum, with statistics that add up to the whole. */
export interface DistributionPart {
  values: number[];
  counts: number[];
  stats: CloudWatchStatisticSet;
}

/**
 * The value that stands for a bucket (lo, hi]: the midpoint of the bucket narrowed to the point's
 * min and max; when one side is unbounded, the bounded side.
 */
export function representativeValue(lo: number, hi: number, min?: number, max?: number): number {
  const low = min === undefined ? lo : Math.max(lo, min);
  const high = max === undefined ? hi : Math.min(hi, max);
  if (Number.isFinite(low) && Number.isFinite(high)) return (low + high) / 2;
  if (Number.isFinite(low)) return low;
  if (Number.isFinite(high)) return high;
  return 0;
}

function finish(
  values: number[],
  counts: number[],
  point: { count: number; sum?: number; min?: number; max?: number },
): Distribution | undefined {
  if (point.count <= 0 || values.length === 0) return undefined;
  const sum = point.sum ?? values.reduce((acc, v, i) => acc + v * counts[i]!, 0);
  return {
    values,
    counts,
    count: point.count,
    sum,
    min: point.min ?? values[0]!,
    max: point.max ?? values[values.length - 1]!,
  };
}

/** An explicit-bucket histogram point as a distribution; undefined when it has no samples. */
export function fromExplicitHistogram(h: Histogram): Distribution | undefined {
  const { boundaries, counts } = h.buckets;
  const values: number[] = [];
  const nonEmpty: number[] = [];
  for (let i = 0; i < counts.length; i++) {
    const count = counts[i]!;
    if (count <= 0) continue;
    const lo = i === 0 ? Number.NEGATIVE_INFINITY : boundaries[i - 1]!;
    const hi = i < boundaries.length ? boundaries[i]! : Number.POSITIVE_INFINITY;
    values.push(representativeValue(lo, hi, h.min, h.max));
    nonEmpty.push(count);
  }
  return finish(values, nonEmpty, h);
}

/** Bucket index -> count of one side of an exponential histogram at one scale. */
export interface ExponentialBuckets {
  scale: number;
  zeroCount: number;
  positive: Map<number, number>;
  negative: Map<number, number>;
}

/** The buckets of an exponential histogram point, keyed by absolute bucket index. */
export function exponentialBuckets(h: ExponentialHistogram): ExponentialBuckets {
  const toMap = (side: { offset: number; bucketCounts: number[] }) => {
    const map = new Map<number, number>();
    side.bucketCounts.forEach((count, i) => {
      if (count > 0) map.set(side.offset + i, count);
    });
    return map;
  };
  return {
    scale: h.scale,
    zeroCount: h.zeroCount,
    positive: toMap(h.positive),
    negative: toMap(h.negative),
  };
}

/** The same buckets at a lower (coarser) scale: every 2^(scale-target) buckets merge into one. */
export function downscale(b: ExponentialBuckets, target: number): ExponentialBuckets {
  if (target >= b.scale) return b;
  const factor = 2 ** (b.scale - target);
  const merge = (side: Map<number, number>) => {
    const merged = new Map<number, number>();
    for (const [index, count] of side) {
      const to = Math.floor(index / factor);
      merged.set(to, (merged.get(to) ?? 0) + count);
    }
    return merged;
  };
  return {
    scale: target,
    zeroCount: b.zeroCount,
    positive: merge(b.positive),
    negative: merge(b.negative),
  };
}

/**
 * Exponential buckets as a distribution. Bucket `i` at scale `s` covers (base^i, base^(i+1)] with
 * base = 2^(2^-s); negative buckets mirror that; the zero bucket is the value 0.
 */
export function fromExponentialBuckets(
  b: ExponentialBuckets,
  point: { count: number; sum?: number; min?: number; max?: number },
): Distribution | undefined {
  const bound = (index: number) => 2 ** (index * 2 ** -b.scale);
  const values: number[] = [];
  const counts: number[] = [];
  const negative = [...b.negative.keys()].sort((x, y) => y - x);
  for (const index of negative) {
    values.push(representativeValue(-bound(index + 1), -bound(index), point.min, point.max));
    counts.push(b.negative.get(index)!);
  }
  if (b.zeroCount > 0) {
    values.push(0);
    counts.push(b.zeroCount);
  }
  const positive = [...b.positive.keys()].sort((x, y) => x - y);
  for (const index of positive) {
    values.push(representativeValue(bound(index), bound(index + 1), point.min, point.max));
    counts.push(b.positive.get(index)!);
  }
  return finish(values, counts, point);
}

/** Multiply every value and statistic by a positive factor (unit conversion). */
export function scaleDistribution(d: Distribution, factor: number): Distribution {
  if (factor === 1) return d;
  return {
    ...d,
    values: d.values.map((v) => v * factor),
    sum: d.sum * factor,
    min: d.min * factor,
    max: d.max * factor,
  };
}

/**
 * Split a distribution into parts of at most `maxValues` values. Each part carries statistics so
 * that CloudWatch's aggregate of the parts equals the point: counts add up, the first part holds
 * the exact minimum and whatever the other parts' sums leave of the exact sum, the last part holds
 * the exact maximum.
 */
export function splitDistribution(d: Distribution, maxValues: number): DistributionPart[] {
  const parts: DistributionPart[] = [];
  for (let start = 0; start < d.values.length; start += maxValues) {
    const values = d.values.slice(start, start + maxValues);
    const counts = d.counts.slice(start, start + maxValues);
    parts.push({
      values,
      counts,
      stats: {
        SampleCount: counts.reduce((a, c) => a + c, 0),
        Sum: values.reduce((a, v, i) => a + v * counts[i]!, 0),
        Minimum: values[0]!,
        Maximum: values[values.length - 1]!,
      },
    });
  }
  const first = parts[0]!.stats;
  const last = parts[parts.length - 1]!.stats;
  first.Minimum = d.min;
  last.Maximum = d.max;
  first.Sum = d.sum - parts.slice(1).reduce((a, p) => a + p.stats.Sum, 0);
  return parts;
}
