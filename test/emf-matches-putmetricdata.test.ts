import { PassThrough } from 'node:stream';
import type { CloudWatchMappingOptions } from '@ecs-task-metrics/cloudwatch-mapping';
import { CloudWatchMetricExporter } from '@ecs-task-metrics/exporter-cloudwatch';
import { EmfMetricExporter } from '@ecs-task-metrics/exporter-emf';
import { ExportResultCode } from '@opentelemetry/core';
import { AggregationTemporality, AggregationType } from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractMetrics } from './support/emf-validation.js';
import { exportOnce } from './support/export.js';
import type { FaultProxy } from './support/fault-proxy.js';
import { testMeterProvider } from './support/meter.js';
import {
  hasMotoServer,
  MOTO_SKIP_REASON,
  motoClientConfig,
  startMotoWithProxy,
} from './support/moto.js';

const NAMESPACE = 'EcsTaskMetricsCompare';
const motoPresent = hasMotoServer();
if (!motoPresent) process.stderr.write(`${MOTO_SKIP_REASON}\n`);

interface DatumLike {
  MetricName: string;
  Unit?: string;
  StorageResolution?: number;
  Dimensions?: { Name: string; Value: string }[];
  Value?: number;
  Values?: number[];
  Counts?: number[];
  StatisticValues?: { SampleCount: number; Sum: number; Minimum: number; Maximum: number };
}

/**
 * What CloudWatch stores per metric identity and timestamp, independent of how values were cut
 * into datums (PutMetricData splits at 150 values, EMF at 100): the values, or the multiset of
 * (value, count) with SampleCount, Sum, Minimum and Maximum.
 */
function normalize(datums: (DatumLike & { Timestamp: number })[]) {
  type Entry = { values: number[]; pairs: Map<number, number>; stats?: number[] };
  const out = new Map<string, Entry>();
  for (const d of datums) {
    const dims = (d.Dimensions ?? []).map((x) => `${x.Name}=${x.Value}`).sort();
    const key = JSON.stringify([
      d.MetricName,
      d.Unit ?? 'None',
      d.StorageResolution ?? 60,
      d.Timestamp,
      dims,
    ]);
    const entry: Entry = out.get(key) ?? { values: [], pairs: new Map() };
    out.set(key, entry);
    if (d.Value !== undefined) {
      // Roll-ups can give one identity several values in one collection: CloudWatch keeps them all.
      entry.values.push(d.Value);
      entry.values.sort((a, b) => a - b);
      continue;
    }
    for (const [i, v] of d.Values!.entries()) {
      entry.pairs.set(v, (entry.pairs.get(v) ?? 0) + (d.Counts?.[i] ?? 1));
    }
    const s = d.StatisticValues!;
    const [count, sum, min, max] = entry.stats ?? [
      0,
      0,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
    ];
    entry.stats = [
      count! + s.SampleCount,
      sum! + s.Sum,
      Math.min(min!, s.Minimum),
      Math.max(max!, s.Maximum),
    ];
  }
  return out;
}

async function collection() {
  const { meter, reader } = testMeterProvider(AggregationTemporality.DELTA, {
    views: [
      {
        instrumentName: 'spread',
        aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM, options: { maxSize: 160 } },
      },
    ],
  });
  for (const [name, unit] of [
    ['container.memory.working_set', 'By'],
    ['container.memory.utilization', '1'],
    ['container.cpu.usage', '{cpu}'],
  ] as const) {
    const gauge = meter.createGauge(name, { unit });
    gauge.record(0.25 * 1024 ** 3, { 'container.name': 'app', 'container.id': 'a1' });
    gauge.record(0.5 * 1024 ** 3, { 'container.name': 'sidecar', 'container.id': 'b2' });
  }
  const network = meter.createCounter('aws.ecs.task.network.io', { unit: 'By' });
  network.add(4096, { 'network.io.direction': 'receive' });
  network.add(1024, { 'network.io.direction': 'transmit' });
  const latency = meter.createHistogram('latency', { unit: 'ms' });
  for (const v of [1, 2, 30, 700, 7000]) latency.record(v, { 'container.name': 'app' });
  const spread = meter.createHistogram('spread');
  for (let k = 0; k < 160; k++) spread.record(2 ** ((k + 0.5) / 32));
  await new Promise((resolve) => setTimeout(resolve, 5)); // rates need an interval above zero
  return reader.collectNow();
}

describe.skipIf(!motoPresent)('EMF and PutMetricData carry the same metrics', () => {
  let proxy: FaultProxy;
  let stopMoto: () => Promise<void>;

  beforeAll(async () => {
    ({ proxy, stop: stopMoto } = await startMotoWithProxy());
  });
  afterAll(async () => {
    await stopMoto?.();
  });

  it.each<[string, CloudWatchMappingOptions]>([
    ['OpenTelemetry names', { dimensionRollups: [['ClusterName'], []] }],
    [
      'the container-insights preset',
      { metricNames: 'container-insights', utilizationAsPercent: true },
    ],
  ])('for one collection, with %s', async (_, mapping) => {
    proxy.reset();
    const rm = await collection();
    const stream = new PassThrough();
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    const emf = new EmfMetricExporter({ ...mapping, namespace: NAMESPACE, stream });
    const cloudWatch = new CloudWatchMetricExporter({
      ...mapping,
      namespace: NAMESPACE,
      clientConfig: { ...motoClientConfig(proxy.endpoint), disableRequestCompression: true },
    });
    expect((await exportOnce(emf, rm)).code).toBe(ExportResultCode.SUCCESS);
    expect((await exportOnce(cloudWatch, rm)).code).toBe(ExportResultCode.SUCCESS);
    await cloudWatch.shutdown();

    const extracted = Buffer.concat(chunks)
      .toString('utf8')
      .split('\n')
      .filter(Boolean)
      .flatMap(extractMetrics);
    expect(new Set(extracted.map((m) => m.Namespace))).toEqual(new Set([NAMESPACE]));
    const sent = proxy.putMetricDataRequests().flatMap((r) => {
      const body = JSON.parse(r.body) as {
        Namespace: string;
        MetricData: (DatumLike & { Timestamp: number })[];
      };
      expect(body.Namespace).toBe(NAMESPACE);
      // The JSON protocol sends timestamps as epoch seconds.
      return body.MetricData.map((d) => ({ ...d, Timestamp: Math.round(d.Timestamp * 1000) }));
    });

    const fromEmf = normalize(extracted);
    const fromApi = normalize(sent);
    expect([...fromEmf.keys()].sort()).toEqual([...fromApi.keys()].sort());
    for (const [key, api] of fromApi) {
      const viaEmf = fromEmf.get(key)!;
      expect(viaEmf.values, key).toEqual(api.values);
      expect(viaEmf.pairs, key).toEqual(api.pairs);
      if (api.stats) {
        const [count, sum, min, max] = api.stats;
        expect(viaEmf.stats![0], key).toBe(count);
        expect(viaEmf.stats![1], key).toBeCloseTo(sum!, 6);
        expect([viaEmf.stats![2], viaEmf.stats![3]], key).toEqual([min, max]);
      }
    }
    // The comparison covered every kind: plain values and split distributions.
    expect([...fromApi.values()].some((e) => e.values.length > 0)).toBe(true);
    expect([...fromApi.values()].some((e) => e.pairs.size > 150)).toBe(true);
  });
});
