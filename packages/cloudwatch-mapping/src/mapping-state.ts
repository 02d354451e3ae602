import { diag } from '@opentelemetry/api';
import type { Histogram } from '@opentelemetry/sdk-metrics';
import { downscale, type ExponentialBuckets } from './distribution.js';

/** Statistics of a histogram point next to its buckets. */
export interface HistogramStats {
  count: number;
  sum?: number;
  min?: number;
  max?: number;
}

/** An exponential histogram point with its buckets keyed by absolute index. */
export interface ExponentialPoint extends HistogramStats {
  buckets: ExponentialBuckets;
}

/** A per-interval value and the start of the interval it covers (epoch ms). */
export interface Delta<T> {
  value: T;
  startMs: number;
}

interface Entry {
  value: number | Histogram | ExponentialPoint;
  startMs: number;
  endMs: number;
  generation: number;
}

// A series not seen for this many collections is forgotten, so state stays bounded when
// containers come and go.
const FORGET_AFTER_COLLECTIONS = 10;

/**
 * What an exporter remembers between exports: the previous cumulative value of every series, to
 * turn cumulative sums and histograms into per-export deltas, and which warnings it already gave.
 * A counter that goes down, or whose start time moves forward, was reset: the new value counts from
 * zero, so the delta is the new value itself, never negative.
 */
export class CloudWatchMappingState {
  private readonly entries = new Map<string, Entry>();
  private readonly warned = new Set<string>();
  private generation = 0;

  /** Marks the start of one collection's mapping and forgets series that went away. */
  beginCollection(): void {
    this.generation++;
    for (const [key, entry] of this.entries) {
      if (this.generation - entry.generation > FORGET_AFTER_COLLECTIONS) this.entries.delete(key);
    }
  }

  /** Number of series remembered (for tests and self-observation). */
  get size(): number {
    return this.entries.size;
  }

  /** Delta of a monotonic cumulative sum. */
  sumDelta(key: string, value: number, startMs: number, endMs: number): Delta<number> {
    const previous = this.swap(key, value, startMs, endMs);
    if (previous === undefined) return { value, startMs };
    const prev = previous.value as number;
    if (startMs > previous.startMs || value < prev) {
      return { value, startMs: Math.max(startMs, previous.endMs) };
    }
    return { value: value - prev, startMs: previous.endMs };
  }

  /** Delta of a cumulative explicit-bucket histogram; min and max only when known for the interval. */
  histogramDelta(key: string, value: Histogram, startMs: number, endMs: number): Delta<Histogram> {
    const previous = this.swap(key, value, startMs, endMs);
    if (previous === undefined) return { value, startMs };
    const prev = previous.value as Histogram;
    const counts = value.buckets.counts.map((c, i) => c - (prev.buckets.counts[i] ?? 0));
    const sameLayout =
      prev.buckets.boundaries.length === value.buckets.boundaries.length &&
      prev.buckets.boundaries.every((b, i) => b === value.buckets.boundaries[i]);
    if (startMs > previous.startMs || !sameLayout || counts.some((c) => c < 0)) {
      return { value, startMs: Math.max(startMs, previous.endMs) };
    }
    const firstSamples = prev.count === 0;
    return {
      value: {
        buckets: { boundaries: value.buckets.boundaries, counts },
        count: value.count - prev.count,
        sum: value.sum === undefined || prev.sum === undefined ? undefined : value.sum - prev.sum,
        min: firstSamples ? value.min : undefined,
        max: firstSamples ? value.max : undefined,
      },
      startMs: previous.endMs,
    };
  }

  /** Delta of a cumulative exponential histogram, both sides brought to the coarser scale. */
  exponentialDelta(
    key: string,
    value: ExponentialPoint,
    startMs: number,
    endMs: number,
  ): Delta<ExponentialPoint> {
    const previous = this.swap(key, value, startMs, endMs);
    if (previous === undefined) return { value, startMs };
    const prev = previous.value as ExponentialPoint;
    const scale = Math.min(prev.buckets.scale, value.buckets.scale);
    const before = downscale(prev.buckets, scale);
    const now = downscale(value.buckets, scale);
    const subtract = (a: Map<number, number>, b: Map<number, number>) => {
      const out = new Map<number, number>();
      for (const [index, count] of a) {
        const diff = count - (b.get(index) ?? 0);
        if (diff !== 0) out.set(index, diff);
      }
      for (const index of b.keys()) if (!a.has(index)) out.set(index, -b.get(index)!);
      return out;
    };
    const positive = subtract(now.positive, before.positive);
    const negative = subtract(now.negative, before.negative);
    const zeroCount = now.zeroCount - before.zeroCount;
    const decreased =
      zeroCount < 0 ||
      [...positive.values(), ...negative.values()].some((c) => c < 0) ||
      value.count < prev.count;
    if (startMs > previous.startMs || decreased) {
      return { value, startMs: Math.max(startMs, previous.endMs) };
    }
    const firstSamples = prev.count === 0;
    return {
      value: {
        buckets: { scale, zeroCount, positive, negative },
        count: value.count - prev.count,
        sum: value.sum === undefined || prev.sum === undefined ? undefined : value.sum - prev.sum,
        min: firstSamples ? value.min : undefined,
        max: firstSamples ? value.max : undefined,
      },
      startMs: previous.endMs,
    };
  }

  /** A diagnostic warning given once per key for the life of the exporter. */
  warnOnce(key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    diag.warn(message);
  }

  private swap(key: string, value: Entry['value'], startMs: number, endMs: number) {
    const previous = this.entries.get(key);
    this.entries.set(key, { value, startMs, endMs, generation: this.generation });
    return previous;
  }
}
