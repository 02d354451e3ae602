import { describe, expect, it } from 'vitest';
import { emfProblems, extractMetrics } from '../../../test/support/emf-validation.js';

const valid = {
  _aws: {
    Timestamp: 1_700_000_000_000,
    CloudWatchMetrics: [
      { Namespace: 'NS', Dimensions: [['ContainerName']], Metrics: [{ Name: 'm', Unit: 'Bytes' }] },
    ],
  },
  ContainerName: 'app',
  m: 5,
};

function mutate(change: (d: any) => void): string {
  const copy = structuredClone(valid);
  change(copy);
  return JSON.stringify(copy);
}

describe('EMF validation (the checker itself)', () => {
  it('accepts the example document', () => {
    expect(emfProblems(JSON.stringify(valid))).toEqual([]);
  });

  it.each([
    ['no _aws', (d: any) => delete d._aws],
    ['no timestamp', (d: any) => delete d._aws.Timestamp],
    ['an AWS/ namespace', (d: any) => (d._aws.CloudWatchMetrics[0].Namespace = 'AWS/ECS')],
    ['an unknown unit', (d: any) => (d._aws.CloudWatchMetrics[0].Metrics[0].Unit = 'Bananas')],
    [
      '101 metrics',
      (d: any) => {
        d._aws.CloudWatchMetrics[0].Metrics = Array.from({ length: 101 }, (_, i) => ({
          Name: `m${i}`,
        }));
        for (let i = 0; i < 101; i++) d[`m${i}`] = i;
      },
    ],
    [
      '31 dimension keys',
      (d: any) => {
        d._aws.CloudWatchMetrics[0].Dimensions = [Array.from({ length: 31 }, (_, i) => `k${i}`)];
        for (let i = 0; i < 31; i++) d[`k${i}`] = 'v';
      },
    ],
    ['a metric missing at the root', (d: any) => delete d.m],
    ['a metric that is a string', (d: any) => (d.m = '5')],
    ['an array of 101 values', (d: any) => (d.m = Array.from({ length: 101 }, () => 1))],
    ['a dimension missing at the root', (d: any) => delete d.ContainerName],
    ['a dimension that is a number', (d: any) => (d.ContainerName = 3)],
    [
      'Values and Counts of different lengths',
      (d: any) => {
        d.m = { Values: [1, 2], Counts: [1], Max: 2, Min: 1, Count: 2, Sum: 3 };
      },
    ],
  ])('rejects %s', (_, change) => {
    expect(emfProblems(mutate(change))).not.toEqual([]);
  });

  it('extracts one metric per dimension set with unit and resolution defaults', () => {
    const line = mutate((d) => {
      d._aws.CloudWatchMetrics[0].Dimensions = [['ContainerName'], []];
      d._aws.CloudWatchMetrics[0].Metrics = [{ Name: 'm' }];
    });
    expect(extractMetrics(line)).toEqual([
      expect.objectContaining({
        Unit: 'None',
        StorageResolution: 60,
        Value: 5,
        Dimensions: [{ Name: 'ContainerName', Value: 'app' }],
      }),
      expect.objectContaining({ Unit: 'None', StorageResolution: 60, Value: 5, Dimensions: [] }),
    ]);
  });
});
