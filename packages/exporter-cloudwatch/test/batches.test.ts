import type { CloudWatchDatum } from '@ecs-task-metrics/cloudwatch-mapping';
import { describe, expect, it } from 'vitest';
import { batchDatums, encodedDatumSize } from '../src/index.js';

const datum = (i: number, pad = 0): CloudWatchDatum => ({
  MetricName: 'm',
  Dimensions: [{ Name: 'i', Value: `${i}`.padEnd(pad, 'x') }],
  Timestamp: new Date(1_700_000_000_000),
  Unit: 'None',
  Value: i,
});

const limits = { namespace: 'NS', maxDatums: 1000, maxBytes: 1_000_000 };

describe('batchDatums', () => {
  it.each([
    [2500, 3],
    [1001, 2],
    [1000, 1],
    [1, 1],
    [0, 0],
  ])('%i datums -> %i requests', (n, requests) => {
    const batches = batchDatums(
      Array.from({ length: n }, (_, i) => datum(i)),
      limits,
    );
    expect(batches).toHaveLength(requests);
    expect(batches.flat()).toHaveLength(n);
  });

  it('splits a 1.2 MB batch by encoded size and keeps every request under the limit', () => {
    const datums = Array.from({ length: 1000 }, (_, i) => datum(i, 1200));
    const total = datums.reduce((a, d) => a + encodedDatumSize(d), 0);
    expect(total).toBeGreaterThan(1_200_000);
    const batches = batchDatums(datums, limits);
    expect(batches.length).toBe(2);
    for (const batch of batches) {
      const body = JSON.stringify({
        Namespace: 'NS',
        MetricData: batch.map((d) => ({ ...d, Timestamp: d.Timestamp.getTime() / 1000 })),
      });
      expect(Buffer.byteLength(body)).toBeLessThanOrEqual(limits.maxBytes);
    }
    expect(batches.flat()).toEqual(datums);
  });
});
