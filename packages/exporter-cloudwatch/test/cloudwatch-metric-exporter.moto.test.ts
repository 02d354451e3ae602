import {
  CloudWatchClient,
  type Dimension,
  type Metric,
  paginateListMetrics,
} from '@aws-sdk/client-cloudwatch';
import { fromExplicitHistogram } from '@ecs-task-metrics/cloudwatch-mapping';
import * as v2 from '@ecs-task-metrics/test-sdk-metrics-v2';
import { type DiagLogger, DiagLogLevel, diag } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import { AggregationTemporality, type Histogram } from '@opentelemetry/sdk-metrics';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { exportOnce } from '../../../test/support/export.js';
import type { FaultProxy } from '../../../test/support/fault-proxy.js';
import { ECS_RESOURCE, SDK_MAJORS, testMeterProvider } from '../../../test/support/meter.js';
import {
  hasMotoServer,
  MOTO_SKIP_REASON,
  type Moto,
  metricStatistics,
  motoClientConfig,
  startMotoWithProxy,
} from '../../../test/support/moto.js';
import { CloudWatchMetricExporter, type CloudWatchMetricExporterOptions } from '../src/index.js';

const NAMESPACE = 'EcsTaskMetricsTest';
const { DELTA } = AggregationTemporality;
const motoPresent = hasMotoServer();
if (!motoPresent) process.stderr.write(`${MOTO_SKIP_REASON}\n`);

const TASK_DIMENSIONS: Dimension[] = [
  { Name: 'ClusterName', Value: 'prod' },
  { Name: 'TaskDefinitionFamily', Value: ECS_RESOURCE['aws.ecs.task.family'] },
];

describe.skipIf(!motoPresent)('CloudWatchMetricExporter against moto', () => {
  let moto: Moto;
  let proxy: FaultProxy;
  let stopMoto: () => Promise<void>;
  let reader: CloudWatchClient;
  const exporters: CloudWatchMetricExporter[] = [];

  beforeAll(async () => {
    ({ moto, proxy, stop: stopMoto } = await startMotoWithProxy());
    reader = new CloudWatchClient(motoClientConfig(moto.endpoint));
  });
  afterAll(async () => {
    reader?.destroy();
    await stopMoto?.();
  });
  beforeEach(async () => {
    await moto.reset();
    proxy.reset();
  });
  afterEach(async () => {
    diag.disable();
    await Promise.all(exporters.splice(0).map((e) => e.shutdown()));
  });

  /** An exporter through the fault proxy; moto's server mode cannot read gzip JSON bodies. */
  function exporter(options: CloudWatchMetricExporterOptions = {}, compression = false) {
    const created = new CloudWatchMetricExporter({
      namespace: NAMESPACE,
      ...options,
      clientConfig: {
        ...motoClientConfig(proxy.endpoint),
        disableRequestCompression: !compression,
        ...options.clientConfig,
      },
    });
    exporters.push(created);
    return created;
  }

  async function statistics(metricName: string, dimensions: Dimension[]) {
    const datapoints = await metricStatistics(reader, {
      namespace: NAMESPACE,
      metricName,
      dimensions,
    });
    expect(datapoints, metricName).toHaveLength(1);
    return datapoints[0]!;
  }

  /** Distinct metrics (name and dimensions); moto lists one entry per stored value. */
  async function listMetrics(): Promise<Metric[]> {
    const metrics = new Map<string, Metric>();
    for await (const page of paginateListMetrics({ client: reader }, { Namespace: NAMESPACE })) {
      for (const m of page.Metrics ?? []) {
        const dims = (m.Dimensions ?? []).map((d) => `${d.Name}=${d.Value}`).sort();
        metrics.set(JSON.stringify([m.MetricName, dims]), m);
      }
    }
    return [...metrics.values()];
  }

  const sentBodies = () =>
    proxy
      .putMetricDataRequests()
      .filter((r) => r.outcome === 'forwarded')
      .map((r) => JSON.parse(r.body));

  it.each(SDK_MAJORS)(
    'delivers gauge, counter and histogram with exact values, units and dimensions ($sdk)',
    async ({ major }) => {
      const { meter, reader: metricReader } = testMeterProvider(DELTA, { major });
      const memory = 734_003_200;
      meter
        .createGauge('container.memory.usage', { unit: 'By' })
        .record(memory, { 'container.name': 'app', 'container.id': 'c0ffee' });
      const transmitted = [1200, 800];
      const network = meter.createCounter('aws.ecs.task.network.io', { unit: 'By' });
      network.add(transmitted[0]!, { 'network.io.direction': 'transmit' });
      network.add(transmitted[1]!, { 'network.io.direction': 'transmit' });
      const boundaries = [0, 10, 100];
      const latency = meter.createHistogram('http.server.duration', {
        unit: 'ms',
        advice: { explicitBucketBoundaries: boundaries },
      });
      const samples = [3, 4, 50, 70, 250];
      for (const s of samples) latency.record(s);
      const rm = await metricReader.collectNow();

      const result = await exportOnce(exporter(), rm);
      expect(result.code).toBe(ExportResultCode.SUCCESS);

      const gauge = await statistics('container.memory.usage', [
        ...TASK_DIMENSIONS,
        { Name: 'ContainerName', Value: 'app' },
      ]);
      expect(gauge).toMatchObject({ Maximum: memory, SampleCount: 1, Unit: 'Bytes' });

      const counter = await statistics('aws.ecs.task.network.io', [
        ...TASK_DIMENSIONS,
        { Name: 'network.io.direction', Value: 'transmit' },
      ]);
      expect(counter).toMatchObject({ Sum: transmitted[0]! + transmitted[1]!, Unit: 'Bytes' });

      // Exact statistics travel in StatisticValues (what CloudWatch stores) ...
      const histogramDatum = sentBodies()
        .flatMap((b) => b.MetricData)
        .find((d: { MetricName: string }) => d.MetricName === 'http.server.duration');
      expect(histogramDatum.StatisticValues).toEqual({
        SampleCount: samples.length,
        Sum: samples.reduce((a, b) => a + b, 0),
        Minimum: Math.min(...samples),
        Maximum: Math.max(...samples),
      });
      // ... while moto computes statistics from Values/Counts: the bucket representatives.
      const point = rm.scopeMetrics[0]!.metrics.find(
        (m) => m.descriptor.name === 'http.server.duration',
      )!.dataPoints[0]!.value as Histogram;
      const expected = fromExplicitHistogram(point)!;
      const histogram = await statistics('http.server.duration', TASK_DIMENSIONS);
      expect(histogram).toMatchObject({
        SampleCount: samples.length,
        Sum: expected.values.reduce((a, v, i) => a + v * expected.counts[i]!, 0),
        Minimum: expected.values[0],
        Maximum: expected.values.at(-1),
        Unit: 'Milliseconds',
      });

      // Dimensions: the task's cluster and family, point attributes; never the container id.
      const listed = await listMetrics();
      for (const metric of listed) {
        const names = metric.Dimensions!.map((d) => d.Name);
        expect(names).toEqual(expect.arrayContaining(['ClusterName', 'TaskDefinitionFamily']));
        expect(names).not.toContain('ContainerId');
      }
      expect(listed).toHaveLength(3);
    },
  );

  async function manyGauges(count: number, pad = 0) {
    const { meter, reader: metricReader } = testMeterProvider(DELTA, { resource: {} });
    // 1000 series per instrument: under the SDK's default cardinality limit of 2000.
    const gauges = Array.from({ length: Math.ceil(count / 1000) }, (_, g) =>
      meter.createGauge(`wide.gauge.${g}`, { unit: 'By' }),
    );
    for (let i = 0; i < count; i++) {
      // Long values over two attributes: a dimension value holds at most 1024 characters.
      const padded = String(i).padStart(pad / 2, '0');
      gauges[Math.floor(i / 1000)]!.record(
        i,
        pad > 0 ? { a: padded, b: padded } : { i: String(i) },
      );
    }
    return metricReader.collectNow();
  }

  it.each([
    [2500, 3],
    [1001, 2],
  ])('sends %i datums in %i requests, all delivered', async (count, requests) => {
    const result = await exportOnce(exporter(), await manyGauges(count));
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    expect(proxy.putMetricDataRequests()).toHaveLength(requests);
    expect(await listMetrics()).toHaveLength(count);
  });

  it('splits a 1.2 MB batch by size, every request body under 1 MB', async () => {
    // 1000 datums of ~1.2 kB each: within the datum limit, over the size limit.
    const rm = await manyGauges(1000, 1200);
    const result = await exportOnce(exporter(), rm);
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    const requests = proxy.putMetricDataRequests();
    const total = requests.reduce((a, r) => a + r.wireBytes, 0);
    expect(total).toBeGreaterThan(1_200_000);
    expect(requests.length).toBe(2);
    for (const r of requests) expect(r.wireBytes).toBeLessThanOrEqual(1_000_000);
    expect(await listMetrics()).toHaveLength(1000);
  });

  it('retries throttling on the first calls and loses nothing', async () => {
    const throttled = 3;
    proxy.failNext(...Array.from({ length: throttled }, () => 'throttle' as const));
    const rm = await manyGauges(10);
    const result = await exportOnce(exporter(), rm);
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    const requests = proxy.putMetricDataRequests();
    expect(requests.filter((r) => r.outcome === 'throttle')).toHaveLength(throttled);
    expect(requests.filter((r) => r.outcome === 'forwarded')).toHaveLength(1);
    expect(await listMetrics()).toHaveLength(10);
  });

  it('retries 5xx answers and connection resets', async () => {
    proxy.failNext('server-error', 'reset');
    const result = await exportOnce(exporter(), await manyGauges(5));
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    expect(proxy.putMetricDataRequests().map((r) => r.outcome)).toEqual([
      'server-error',
      'reset',
      'forwarded',
    ]);
    expect(await listMetrics()).toHaveLength(5);
  });

  it('reports FAILED when retries run out, SUCCESS again on the next export', async () => {
    proxy.failNext('throttle', 'throttle');
    const rm = await manyGauges(3);
    const failing = exporter({ maxAttempts: 2 });
    expect((await exportOnce(failing, rm)).code).toBe(ExportResultCode.FAILED);
    expect(await listMetrics()).toHaveLength(0);
    expect((await exportOnce(failing, rm)).code).toBe(ExportResultCode.SUCCESS);
    expect(await listMetrics()).toHaveLength(3);
  });

  it('isolates an invalid datum: every other datum of the batch is delivered', async () => {
    const logger = {
      error: vi.fn(),
      warn: vi.fn(),
      info: vi.fn(),
      debug: vi.fn(),
      verbose: vi.fn(),
    };
    diag.setLogger(logger as DiagLogger, DiagLogLevel.WARN);
    const { meter, reader: metricReader } = testMeterProvider(DELTA, { resource: {} });
    const names = Array.from({ length: 20 }, (_, i) => `metric.${i}`);
    for (const name of names) meter.createGauge(name).record(1);
    const bad = names[13]!;
    proxy.rejectDatums((d) => d.MetricName === bad);
    const result = await exportOnce(exporter(), await metricReader.collectNow());
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    const delivered = (await listMetrics()).map((m) => m.MetricName).sort();
    expect(delivered).toEqual(names.filter((n) => n !== bad).sort());
    expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining(bad));
    // Halving isolates one datum in about log2(n) rounds, not n requests.
    expect(proxy.putMetricDataRequests().length).toBeLessThanOrEqual(
      2 * Math.ceil(Math.log2(20)) + 1,
    );
  });

  it('compresses requests with gzip by default', async () => {
    const result = await exportOnce(exporter({}, true), await manyGauges(200));
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    const [request] = proxy.putMetricDataRequests();
    expect(request!.contentEncoding).toBe('gzip');
    expect(request!.wireBytes).toBeLessThan(Buffer.byteLength(request!.body));
    expect(await listMetrics()).toHaveLength(200);
  });

  it('sends StorageResolution 1 when the export interval is under 60 s', async () => {
    const rm = await manyGauges(1);
    await exportOnce(exporter({ exportIntervalMillis: 10_000 }), rm);
    await exportOnce(exporter({ exportIntervalMillis: 60_000 }), rm);
    const [fast, standard] = sentBodies();
    expect(fast.MetricData[0].StorageResolution).toBe(1);
    expect(standard.MetricData[0].StorageResolution).toBeUndefined();
  });

  it('keeps the exporter contract: forceFlush waits, FAILED after shutdown', async () => {
    proxy.failNext('throttle');
    const e = exporter();
    const rm = await manyGauges(2);
    const results: number[] = [];
    e.export(rm, (r) => results.push(r.code));
    await e.forceFlush();
    expect(results).toEqual([ExportResultCode.SUCCESS]);
    await e.shutdown();
    expect((await exportOnce(e, rm)).code).toBe(ExportResultCode.FAILED);
    expect(results).toHaveLength(1);
  });

  it('works with a PeriodicExportingMetricReader of sdk-metrics 2.x and asks it for DELTA', async () => {
    const e = exporter();
    const metricReader = new v2.PeriodicExportingMetricReader({
      exporter: e,
      exportIntervalMillis: 3_600_000,
    });
    const provider = new v2.MeterProvider({
      resource: v2.resourceFromAttributes(ECS_RESOURCE),
      readers: [metricReader],
    });
    const counter = provider.getMeter('v2').createCounter('requests');
    counter.add(4);
    await metricReader.forceFlush();
    counter.add(6);
    await metricReader.forceFlush();
    const [first, second] = sentBodies().map((b) => b.MetricData[0].Value);
    expect([first, second]).toEqual([4, 6]);
    expect((await statistics('requests', TASK_DIMENSIONS)).Sum).toBe(10);
    await provider.shutdown();
  });
});
