import { type DiagLogger, DiagLogLevel, diag } from '@opentelemetry/api';
import { hrTimeToMilliseconds } from '@opentelemetry/core';
import { AggregationTemporality, AggregationType } from '@opentelemetry/sdk-metrics';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ECS_RESOURCE, SDK_MAJORS, testMeterProvider } from '../../../test/support/meter.js';
import {
  CLOUDWATCH_MAX_MAGNITUDE,
  type CloudWatchDatum,
  type CloudWatchMappingOptions,
  CloudWatchMappingState,
  listMetricNameRules,
  mapResourceMetrics,
  resolveMappingOptions,
} from '../src/index.js';

const { DELTA, CUMULATIVE } = AggregationTemporality;
const CLUSTER = 'prod'; // last segment of ECS_RESOURCE['aws.ecs.cluster.arn']

function mapper(options: CloudWatchMappingOptions = {}) {
  const resolved = resolveMappingOptions(options);
  const state = new CloudWatchMappingState();
  return {
    state,
    map: (rm: Parameters<typeof mapResourceMetrics>[0]) => mapResourceMetrics(rm, resolved, state),
  };
}

const dims = (d: CloudWatchDatum) => Object.fromEntries(d.Dimensions.map((x) => [x.Name, x.Value]));
const byName = (datums: CloudWatchDatum[], name: string) =>
  datums.filter((d) => d.MetricName === name);

describe.each(SDK_MAJORS)('mapResourceMetrics, $sdk', ({ major }) => {
  afterEach(() => diag.disable());

  it('maps a gauge to Value with the point end time, CloudWatch unit and renamed dimensions', async () => {
    const { meter, reader } = testMeterProvider(DELTA, { major });
    const gauge = meter.createGauge('container.memory.usage', { unit: 'By' });
    gauge.record(123_456_789, { 'container.name': 'app', 'container.id': 'abc123' });
    const rm = await reader.collectNow();
    const [datum, ...rest] = mapper().map(rm);
    expect(rest).toHaveLength(0);
    const point = rm.scopeMetrics[0]!.metrics[0]!.dataPoints[0]!;
    expect(datum).toEqual({
      MetricName: 'container.memory.usage',
      Unit: 'Bytes',
      Value: 123_456_789,
      Timestamp: new Date(hrTimeToMilliseconds(point.endTime)),
      // container.id is high-cardinality: not a dimension by default; the task ARN neither.
      Dimensions: [
        { Name: 'ClusterName', Value: CLUSTER },
        { Name: 'ContainerName', Value: 'app' },
        { Name: 'TaskDefinitionFamily', Value: ECS_RESOURCE['aws.ecs.task.family'] },
      ],
    });
  });

  it('adds container id and task id only when high-cardinality dimensions are asked for', async () => {
    const { meter, reader } = testMeterProvider(DELTA, { major });
    meter.createGauge('g').record(1, { 'container.id': 'abc123' });
    const [datum] = mapper({ highCardinalityDimensions: true }).map(await reader.collectNow());
    const taskId = ECS_RESOURCE['aws.ecs.task.arn'].split('/').pop();
    expect(dims(datum!)).toMatchObject({ ContainerId: 'abc123', TaskId: taskId });
  });

  it('sends DELTA sums as they are and turns CUMULATIVE monotonic sums into deltas', async () => {
    const recorded = [5, 7, 11];
    for (const temporality of [DELTA, CUMULATIVE]) {
      const { meter, reader } = testMeterProvider(temporality);
      const counter = meter.createCounter('requests', { unit: '{request}' });
      const m = mapper();
      const values: number[] = [];
      for (const n of recorded) {
        counter.add(n);
        values.push(...m.map(await reader.collectNow()).map((d) => d.Value!));
      }
      expect(values).toEqual(recorded);
    }
  });

  it('treats a cumulative counter that goes down as reset: the new value, never a negative delta', async () => {
    const observed = [100, 150, 30, 45];
    const { meter, reader } = testMeterProvider(CUMULATIVE, { major });
    let next = 0;
    meter
      .createObservableCounter('container.network.io', { unit: 'By' })
      .addCallback((r) => r.observe(observed[next]!, { 'network.io.direction': 'receive' }));
    const m = mapper();
    const values: number[] = [];
    for (next = 0; next < observed.length; next++) {
      values.push(...m.map(await reader.collectNow()).map((d) => d.Value!));
    }
    // first: counts from its start; then differences; a decrease starts again from zero.
    const expected = observed.map((v, i) =>
      i === 0 || v < observed[i - 1]! ? v : v - observed[i - 1]!,
    );
    expect(values).toEqual(expected);
    expect(values.every((v) => v >= 0)).toBe(true);
  });

  it('sends non-monotonic cumulative sums (up-down counters) as their current level', async () => {
    const { meter, reader } = testMeterProvider(CUMULATIVE, { major });
    const upDown = meter.createUpDownCounter('queue.depth');
    const m = mapper();
    upDown.add(10);
    expect(m.map(await reader.collectNow())[0]!.Value).toBe(10);
    upDown.add(-4);
    expect(m.map(await reader.collectNow())[0]!.Value).toBe(6);
  });

  it('drops NaN and infinite values with one diagnostic and keeps the other points', async () => {
    const logger: DiagLogger = {
      error: vi.fn(),
      warn: vi.fn(),
      info: vi.fn(),
      debug: vi.fn(),
      verbose: vi.fn(),
    };
    diag.setLogger(logger, DiagLogLevel.WARN);
    const { meter, reader } = testMeterProvider(DELTA, { major });
    const gauge = meter.createGauge('ratio');
    gauge.record(Number.NaN, { k: 'nan' });
    gauge.record(Number.POSITIVE_INFINITY, { k: 'inf' });
    gauge.record(0.5, { k: 'ok' });
    const datums = mapper().map(await reader.collectNow());
    expect(datums.map((d) => d.Value)).toEqual([0.5]);
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(String(vi.mocked(logger.warn).mock.calls[0]![0])).toContain('ratio');
  });

  it('clamps finite values outside CloudWatch range to +-2^360 and tiny ones to 0', async () => {
    const { meter, reader } = testMeterProvider(DELTA, { major });
    const gauge = meter.createGauge('extreme');
    const inputs = [Number.MAX_VALUE, -Number.MAX_VALUE, 2 ** -400, 42];
    for (const [i, v] of inputs.entries()) gauge.record(v, { i: String(i) });
    const datums = mapper().map(await reader.collectNow());
    const value = (i: number) => datums.find((d) => dims(d).i === String(i))!.Value;
    expect(value(0)).toBe(CLOUDWATCH_MAX_MAGNITUDE);
    expect(value(1)).toBe(-CLOUDWATCH_MAX_MAGNITUDE);
    expect(value(2)).toBe(0);
    expect(value(3)).toBe(42);
  });

  it('scales utilizations to Percent only when asked', async () => {
    const { meter, reader } = testMeterProvider(DELTA, { major });
    meter.createGauge('container.cpu.utilization', { unit: '1' }).record(0.375);
    meter.createGauge('container.cpu.usage', { unit: '{cpu}' }).record(0.375);
    const rm = await reader.collectNow();
    const plain = mapper().map(rm);
    const percent = mapper({ utilizationAsPercent: true }).map(rm);
    expect(byName(plain, 'container.cpu.utilization')[0]).toMatchObject({
      Value: 0.375,
      Unit: 'None',
    });
    expect(byName(percent, 'container.cpu.utilization')[0]).toMatchObject({
      Value: 37.5,
      Unit: 'Percent',
    });
    expect(byName(percent, 'container.cpu.usage')[0]).toMatchObject({ Value: 0.375, Unit: 'None' });
  });

  it('sets StorageResolution 1 only for high resolution', async () => {
    const { meter, reader } = testMeterProvider(DELTA, { major });
    meter.createGauge('g').record(1);
    const rm = await reader.collectNow();
    expect(mapper().map(rm)[0]!.StorageResolution).toBeUndefined();
    expect(mapper({ highResolution: true }).map(rm)[0]!.StorageResolution).toBe(1);
  });

  it('emits roll-up dimension sets only when configured and applicable', async () => {
    const { meter, reader } = testMeterProvider(DELTA, { major });
    meter.createGauge('g').record(3, { 'container.name': 'app' });
    const rm = await reader.collectNow();
    expect(mapper().map(rm)).toHaveLength(1);
    const rolled = mapper({ dimensionRollups: [['ClusterName'], [], ['ServiceName']] }).map(rm);
    // ServiceName is absent from this resource: that roll-up does not apply.
    expect(rolled.map((d) => Object.keys(dims(d)))).toEqual([
      ['ClusterName', 'ContainerName', 'TaskDefinitionFamily'],
      ['ClusterName'],
      [],
    ]);
    expect(rolled.every((d) => d.Value === 3)).toBe(true);
  });

  it('keeps at most 30 dimensions, sanitized, and drops empty values', async () => {
    const { meter, reader } = testMeterProvider(DELTA, { major, resource: {} });
    const attributes: Record<string, string> = { empty: '', blank: '   ', ünïcode: 'välue' };
    for (let i = 0; i < 40; i++) attributes[`k${String(i).padStart(2, '0')}`] = 'x'.repeat(2000);
    meter.createGauge('wide').record(1, attributes);
    const [datum] = mapper().map(await reader.collectNow());
    expect(datum!.Dimensions).toHaveLength(30);
    for (const d of datum!.Dimensions) {
      expect(d.Value.length).toBeLessThanOrEqual(1024);
      expect(d.Value.trim()).not.toBe('');
      expect(/^[\x20-\x7e]+$/.test(d.Name + d.Value)).toBe(true);
    }
    expect(datum!.Dimensions.some((d) => d.Name === 'empty' || d.Name === 'blank')).toBe(false);
  });

  it('maps an explicit histogram to exact statistics plus bucket values and counts', async () => {
    const { meter, reader } = testMeterProvider(DELTA, { major });
    const boundaries = [0, 10, 100];
    const histogram = meter.createHistogram('latency', {
      unit: 'ms',
      advice: { explicitBucketBoundaries: boundaries },
    });
    const samples = [3, 4, 50, 70, 90, 250];
    for (const s of samples) histogram.record(s);
    const [datum, ...rest] = mapper().map(await reader.collectNow());
    expect(rest).toHaveLength(0);
    const min = Math.min(...samples);
    const max = Math.max(...samples);
    // Documented formula: each non-empty bucket (lo, hi] is its midpoint narrowed to [min, max].
    const mid = (lo: number, hi: number) => (Math.max(lo, min) + Math.min(hi, max)) / 2;
    expect(datum).toMatchObject({
      MetricName: 'latency',
      Unit: 'Milliseconds',
      StatisticValues: {
        SampleCount: samples.length,
        Sum: samples.reduce((a, b) => a + b, 0),
        Minimum: min,
        Maximum: max,
      },
      Values: [mid(0, 10), mid(10, 100), mid(100, Number.POSITIVE_INFINITY)],
      Counts: [2, 3, 1],
    });
  });

  it('splits an exponential histogram over 150 values into datums whose statistics add up', async () => {
    const { meter, reader } = testMeterProvider(DELTA, {
      major,
      views: [
        {
          instrumentName: 'spread',
          aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM, options: { maxSize: 160 } },
        },
      ],
    });
    const histogram = meter.createHistogram('spread');
    // 2^((k + 0.5) / 32): one sample in the middle of each of 160 buckets at scale 5.
    const samples = Array.from({ length: 160 }, (_, k) => 2 ** ((k + 0.5) / 32));
    for (const s of samples) histogram.record(s);
    const rm = await reader.collectNow();
    const point = rm.scopeMetrics[0]!.metrics[0]!.dataPoints[0]!.value as {
      scale: number;
      positive: { offset: number; bucketCounts: number[] };
    };
    const datums = mapper().map(rm);
    const nonEmpty = point.positive.bucketCounts.filter((c) => c > 0).length;
    expect(nonEmpty).toBeGreaterThan(150);
    expect(datums).toHaveLength(Math.ceil(nonEmpty / 150));
    for (const d of datums) expect(d.Values!.length).toBeLessThanOrEqual(150);
    const base = 2 ** (2 ** -point.scale);
    // Every representative value lies inside its bucket (base^i, base^(i+1)].
    const all = datums.flatMap((d) => d.Values!);
    const indexes = point.positive.bucketCounts.flatMap((c, i) =>
      c > 0 ? [point.positive.offset + i] : [],
    );
    all.forEach((v, j) => {
      const i = indexes[j]!;
      expect(v).toBeGreaterThanOrEqual(Math.min(base ** i, Math.min(...samples)) - 1e-9);
      expect(v).toBeLessThanOrEqual(base ** (i + 1) + 1e-9);
    });
    const sum = (f: (d: CloudWatchDatum) => number) => datums.reduce((a, d) => a + f(d), 0);
    expect(sum((d) => d.StatisticValues!.SampleCount)).toBe(samples.length);
    expect(sum((d) => d.Counts!.reduce((a, c) => a + c, 0))).toBe(samples.length);
    expect(sum((d) => d.StatisticValues!.Sum)).toBeCloseTo(
      samples.reduce((a, b) => a + b, 0),
      6,
    );
    expect(Math.min(...datums.map((d) => d.StatisticValues!.Minimum))).toBe(Math.min(...samples));
    expect(Math.max(...datums.map((d) => d.StatisticValues!.Maximum))).toBe(Math.max(...samples));
  });

  it('differences cumulative histograms per export', async () => {
    const { meter, reader } = testMeterProvider(CUMULATIVE, { major });
    const histogram = meter.createHistogram('h', { advice: { explicitBucketBoundaries: [10] } });
    const m = mapper();
    histogram.record(1);
    histogram.record(20);
    m.map(await reader.collectNow());
    histogram.record(5);
    const [datum] = m.map(await reader.collectNow());
    // Only the sample of the second interval: one value in the first bucket.
    expect(datum!.StatisticValues).toMatchObject({ SampleCount: 1, Sum: 5 });
    expect(datum!.Counts).toEqual([1]);
    histogram.record(30);
    histogram.record(40);
    const [next] = m.map(await reader.collectNow());
    expect(next!.StatisticValues).toMatchObject({ SampleCount: 2, Sum: 70 });
  });

  it('differences cumulative exponential histograms, across a change of scale', async () => {
    const { meter, reader } = testMeterProvider(CUMULATIVE, {
      major,
      views: [
        {
          instrumentName: 'e',
          aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM, options: { maxSize: 4 } },
        },
      ],
    });
    const histogram = meter.createHistogram('e');
    const m = mapper();
    histogram.record(1.5);
    m.map(await reader.collectNow());
    // A far value forces the SDK to a coarser scale for the whole cumulative histogram.
    histogram.record(1000);
    histogram.record(1000);
    const [datum] = m.map(await reader.collectNow());
    expect(datum!.StatisticValues).toMatchObject({ SampleCount: 2, Sum: 2000 });
    expect(datum!.Counts!.reduce((a, c) => a + c, 0)).toBe(2);
  });

  it('forgets series not seen for ten collections', async () => {
    const { meter, reader } = testMeterProvider(CUMULATIVE, { major });
    const counter = meter.createCounter('c');
    const m = mapper();
    counter.add(1, { id: 'gone' });
    m.map(await reader.collectNow());
    expect(m.state.size).toBe(1);
    const { reader: emptyReader } = testMeterProvider(CUMULATIVE, { major });
    for (let i = 0; i < 11; i++) m.map(await emptyReader.collectNow());
    expect(m.state.size).toBe(0);
  });
});

describe.each(SDK_MAJORS)('container-insights preset, $sdk', ({ major }) => {
  it('renames and rescales every preset metric as its table row says', async () => {
    const { meter, reader } = testMeterProvider(DELTA, { major });
    const rows = listMetricNameRules('container-insights');
    const input = 3 * 1024 ** 3; // a value that divides evenly in every unit
    for (const name of new Set(rows.map((r) => r.metric))) {
      const attributeRows = rows.filter((r) => r.metric === name && r.attribute);
      if (attributeRows.length === 0) {
        meter.createGauge(name).record(input, { 'container.name': 'app' });
      } else {
        const counter = meter.createCounter(name);
        for (const r of attributeRows) counter.add(input, { [r.attribute!]: r.attributeValue! });
      }
    }
    // Rates need an interval longer than zero between the counters' start and the collection.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const rm = await reader.collectNow();
    const datums = mapper({ metricNames: 'container-insights' }).map(rm);
    expect(datums).toHaveLength(rows.length);
    for (const row of rows) {
      const [datum] = byName(datums, row.name);
      expect(datum, row.name).toBeDefined();
      let expected = input * row.scale;
      if (row.perSecond) {
        const point = rm.scopeMetrics[0]!.metrics.find((m) => m.descriptor.name === row.metric)!
          .dataPoints[0]!;
        const seconds =
          (hrTimeToMilliseconds(point.endTime) - hrTimeToMilliseconds(point.startTime)) / 1000;
        expected /= seconds;
      }
      // Relative: a per-second rate of gigabytes is ~1e11, where one float ulp is far above 1e-6.
      expect(datum!.Value! / expected).toBeCloseTo(1, 9);
      expect(datum!.Unit).toBe(row.unit);
      // The attribute that selected the name is not also a dimension.
      if (row.attribute) expect(Object.keys(dims(datum!))).not.toContain(row.attribute);
    }
  });

  it('maps the examples of the issue: MemoryUtilized in Megabytes, CpuUtilized in CPU units', async () => {
    const { meter, reader } = testMeterProvider(DELTA, { major });
    meter.createGauge('aws.ecs.task.memory.working_set', { unit: 'By' }).record(512 * 1024 * 1024);
    meter.createGauge('aws.ecs.task.cpu.usage', { unit: '{cpu}' }).record(0.25);
    const datums = mapper({ metricNames: 'container-insights' }).map(await reader.collectNow());
    expect(byName(datums, 'MemoryUtilized')[0]).toMatchObject({ Value: 512, Unit: 'Megabytes' });
    expect(byName(datums, 'CpuUtilized')[0]).toMatchObject({ Value: 256, Unit: 'None' });
  });

  it('keeps the OpenTelemetry name of metrics the preset does not know', async () => {
    const { meter, reader } = testMeterProvider(DELTA, { major });
    meter.createGauge('container.memory.usage', { unit: 'By' }).record(1);
    const datums = mapper({ metricNames: 'container-insights' }).map(await reader.collectNow());
    expect(datums[0]!.MetricName).toBe('container.memory.usage');
  });
});
