import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Distribution,
  fromExplicitHistogram,
  representativeValue,
  splitDistribution,
  toCloudWatchUnit,
} from '../src/index.js';

describe('toCloudWatchUnit', () => {
  it.each([
    ['By', 'Bytes'],
    ['By/s', 'Bytes/Second'],
    ['s', 'Seconds'],
    ['ms', 'Milliseconds'],
    ['us', 'Microseconds'],
    ['%', 'Percent'],
    ['bit/s', 'Bits/Second'],
    ['1', 'None'],
    ['{cpu}', 'None'],
    ['parsec', 'None'],
    ['', 'None'],
  ])('%s -> %s', (ucum, cloudWatch) => {
    expect(toCloudWatchUnit(ucum)).toBe(cloudWatch);
  });
});

describe('representativeValue', () => {
  it('is the midpoint narrowed to min and max, or the bounded side', () => {
    expect(representativeValue(10, 20)).toBe(15);
    expect(representativeValue(10, 20, 12, 14)).toBe(13);
    expect(representativeValue(Number.NEGATIVE_INFINITY, 5)).toBe(5);
    expect(representativeValue(5, Number.POSITIVE_INFINITY)).toBe(5);
    expect(representativeValue(5, Number.POSITIVE_INFINITY, undefined, 9)).toBe(7);
  });
});

describe('fromExplicitHistogram', () => {
  it('skips empty buckets and returns nothing for a histogram without samples', () => {
    const empty = { buckets: { boundaries: [1, 2], counts: [0, 0, 0] }, count: 0, sum: 0 };
    expect(fromExplicitHistogram(empty)).toBeUndefined();
    const one = { buckets: { boundaries: [1, 2], counts: [0, 4, 0] }, count: 4, sum: 6 };
    expect(fromExplicitHistogram(one)).toEqual({
      values: [1.5],
      counts: [4],
      count: 4,
      sum: 6,
      min: 1.5,
      max: 1.5,
    });
  });
});

describe('splitDistribution', () => {
  const distributions = fc
    .array(
      fc.tuple(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.integer({ min: 1, max: 1000 })),
      {
        minLength: 1,
        maxLength: 700,
      },
    )
    .map((pairs): Distribution => {
      const sorted = [...new Map(pairs).entries()].sort((a, b) => a[0] - b[0]);
      const values = sorted.map(([v]) => v);
      const counts = sorted.map(([, c]) => c);
      const count = counts.reduce((a, c) => a + c, 0);
      // The exact sum may differ from sum(value * count): bucket values are only representatives.
      const sum = values.reduce((a, v, i) => a + v * counts[i]!, 0) + 0.5;
      return { values, counts, count, sum, min: values[0]! - 1, max: values.at(-1)! + 1 };
    });

  it('makes parts of at most maxValues whose statistics aggregate to the exact ones', () => {
    fc.assert(
      fc.property(distributions, fc.integer({ min: 1, max: 200 }), (d, maxValues) => {
        const parts = splitDistribution(d, maxValues);
        expect(parts).toHaveLength(Math.ceil(d.values.length / maxValues));
        for (const p of parts) expect(p.values.length).toBeLessThanOrEqual(maxValues);
        expect(parts.flatMap((p) => p.values)).toEqual(d.values);
        expect(parts.flatMap((p) => p.counts)).toEqual(d.counts);
        expect(parts.reduce((a, p) => a + p.stats.SampleCount, 0)).toBe(d.count);
        const sum = parts.reduce((a, p) => a + p.stats.Sum, 0);
        const magnitude = d.values.reduce((a, v, i) => a + Math.abs(v) * d.counts[i]!, 1);
        expect(Math.abs(sum - d.sum)).toBeLessThanOrEqual(1e-9 * magnitude);
        expect(Math.min(...parts.map((p) => p.stats.Minimum))).toBe(d.min);
        expect(Math.max(...parts.map((p) => p.stats.Maximum))).toBe(d.max);
      }),
    );
  });
});
