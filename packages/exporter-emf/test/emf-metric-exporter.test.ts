import { PassThrough, Writable } from 'node:stream';
import * as v2 from '@ecs-task-metrics/test-sdk-metrics-v2';
import { ExportResultCode } from '@opentelemetry/core';
import { AggregationTemporality, AggregationType } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { emfProblems, extractMetrics } from '../../../test/support/emf-validation.js';
import { exportOnce } from '../../../test/support/export.js';
import {
  ECS_RESOURCE,
  SDK_MAJORS,
  type SdkMajor,
  testMeterProvider,
} from '../../../test/support/meter.js';
import { EmfMetricExporter, type EmfMetricExporterOptions } from '../src/index.js';

const { DELTA } = AggregationTemporality;

/** An exporter writing into memory; `lines()` returns what it wrote. */
function capture(options: EmfMetricExporterOptions = {}) {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  const exporter = new EmfMetricExporter({ namespace: 'EcsTaskMetricsTest', stream, ...options });
  const lines = () => chunks.join('').split('\n').filter(Boolean);
  return { exporter, lines };
}

/** A collection that exercises every limit: many metrics, wide attributes, big histograms. */
async function richCollection(major: SdkMajor = 3) {
  const { meter, reader } = testMeterProvider(DELTA, {
    major,
    views: [
      {
        instrumentName: 'spread',
        aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM, options: { maxSize: 160 } },
      },
    ],
  });
  for (let i = 0; i < 250; i++) meter.createGauge(`gauge.${i}`, { unit: 'By' }).record(i);
  const wide: Record<string, string> = {};
  for (let i = 0; i < 40; i++) wide[`attribute.${i}`] = `value-${i}`;
  meter.createGauge('wide').record(1, wide);
  const counter = meter.createCounter('container.network.io', { unit: 'By' });
  counter.add(100, { 'container.name': 'app', 'network.io.direction': 'receive' });
  counter.add(50, { 'container.name': 'app', 'network.io.direction': 'transmit' });
  const latency = meter.createHistogram('latency', { unit: 'ms' });
  for (const v of [1, 2, 30, 700]) latency.record(v, { 'container.name': 'app' });
  const spread = meter.createHistogram('spread');
  for (let k = 0; k < 160; k++) spread.record(2 ** ((k + 0.5) / 32));
  return reader.collectNow();
}

describe('EmfMetricExporter', () => {
  it.each(SDK_MAJORS)(
    'writes only documents that pass the EMF schema and the cross-field rules ($sdk)',
    async ({ major }) => {
      const { exporter, lines } = capture();
      const result = await exportOnce(exporter, await richCollection(major));
      expect(result.code).toBe(ExportResultCode.SUCCESS);
      expect(lines().length).toBeGreaterThan(3);
      for (const line of lines()) {
        expect(emfProblems(line)).toEqual([]);
        // The default limit keeps lines whole through the container runtime's 16 KiB line buffer.
        expect(Buffer.byteLength(line)).toBeLessThanOrEqual(16_000);
      }
    },
  );

  it('keeps every EMF limit by splitting, and loses no metric', async () => {
    const { exporter, lines } = capture();
    await exportOnce(exporter, await richCollection());
    const documents = lines().map((l) => JSON.parse(l));
    for (const d of documents) {
      const directive = d._aws.CloudWatchMetrics[0];
      expect(directive.Metrics.length).toBeLessThanOrEqual(100);
      for (const set of directive.Dimensions) expect(set.length).toBeLessThanOrEqual(30);
      for (const m of directive.Metrics) {
        const value = d[m.Name];
        if (value.Values) expect(value.Values.length).toBeLessThanOrEqual(100);
      }
    }
    const extracted = lines().flatMap(extractMetrics);
    const names = new Set(extracted.map((m) => m.MetricName));
    for (let i = 0; i < 250; i++) expect(names).toContain(`gauge.${i}`);
    // 250 gauges with the same dimensions need ceil(250 / 100) documents.
    expect(documents.filter((d) => Object.keys(d).some((k) => k.startsWith('gauge.'))).length).toBe(
      Math.ceil(250 / 100),
    );
    // 160 exponential buckets need two documents of at most 100 values, all samples kept.
    const spread = extracted.filter((m) => m.MetricName === 'spread');
    expect(spread).toHaveLength(2);
    expect(spread.reduce((a, m) => a + m.StatisticValues!.SampleCount, 0)).toBe(160);
  });

  it('keeps documents under the size limit by splitting them', async () => {
    const maxDocumentBytes = 4096;
    const { exporter, lines } = capture({ maxDocumentBytes });
    await exportOnce(exporter, await richCollection());
    for (const line of lines()) {
      expect(Buffer.byteLength(line)).toBeLessThanOrEqual(maxDocumentBytes);
      expect(emfProblems(line)).toEqual([]);
    }
    const names = new Set(
      lines()
        .flatMap(extractMetrics)
        .map((m) => m.MetricName),
    );
    for (let i = 0; i < 250; i++) expect(names).toContain(`gauge.${i}`);
  });

  it('declares StorageResolution 1 when the export interval is under 60 s', async () => {
    const { meter, reader } = testMeterProvider(DELTA);
    meter.createGauge('g').record(1);
    const rm = await reader.collectNow();
    const fast = capture({ exportIntervalMillis: 10_000 });
    const standard = capture();
    await exportOnce(fast.exporter, rm);
    await exportOnce(standard.exporter, rm);
    expect(extractMetrics(fast.lines()[0]!)[0]!.StorageResolution).toBe(1);
    expect(JSON.parse(standard.lines()[0]!)._aws.CloudWatchMetrics[0].Metrics[0]).toEqual({
      Name: 'g',
      Unit: 'None',
    });
  });

  it('drops and counts documents when a slow stream fills the bounded buffer, never more', async () => {
    // A stream that never finishes a write: everything stays buffered.
    const stuck = new Writable({ write: () => {}, highWaterMark: 1024 });
    const maxBufferedBytes = 16 * 1024;
    const exporter = new EmfMetricExporter({ stream: stuck, maxBufferedBytes });
    const rm = await richCollection();
    const results = [];
    for (let i = 0; i < 20; i++) results.push((await exportOnce(exporter, rm)).code);
    expect(exporter.droppedDocuments).toBeGreaterThan(0);
    expect(results).toContain(ExportResultCode.FAILED);
    // Bounded: at most one line beyond the limit (the first line is always accepted).
    const longestLine = 16_000; // the default document size limit
    expect(stuck.writableLength).toBeLessThanOrEqual(maxBufferedBytes + longestLine);
    const afterTwenty = stuck.writableLength;
    await exportOnce(exporter, rm);
    expect(stuck.writableLength).toBe(afterTwenty);
  });

  it('counts its failed exports in ecs_task_metrics.export.errors on the provider it is given', async () => {
    const stuck = new Writable({ write: () => {}, highWaterMark: 1024 });
    const exporter = new EmfMetricExporter({ stream: stuck, maxBufferedBytes: 16 * 1024 });
    const self = testMeterProvider(DELTA);
    exporter.setSelfObsMeterProvider(self.provider);
    const rm = await richCollection();
    let failed = 0;
    for (let i = 0; i < 5; i++) {
      if ((await exportOnce(exporter, rm)).code === ExportResultCode.FAILED) failed++;
    }
    expect(failed).toBeGreaterThan(0);
    const counted = (await self.reader.collectNow()).scopeMetrics
      .flatMap((sm) => sm.metrics)
      .filter((m) => m.descriptor.name === 'ecs_task_metrics.export.errors')
      .flatMap(
        (m) => m.dataPoints as Array<{ attributes: Record<string, unknown>; value: unknown }>,
      );
    expect(
      counted.map((p) => [p.attributes['error.type'], p.attributes['otel.component.type']]),
    ).toEqual([['backpressure', 'emf_metric_exporter']]);
    expect(counted[0]!.value).toBe(failed);
  });

  it('keeps the exporter contract: forceFlush drains, FAILED after shutdown', async () => {
    const { exporter, lines } = capture();
    const { meter, reader } = testMeterProvider(DELTA);
    meter.createGauge('g').record(7);
    const rm = await reader.collectNow();
    const codes: number[] = [];
    exporter.export(rm, (r) => codes.push(r.code));
    await exporter.forceFlush();
    expect(codes).toEqual([ExportResultCode.SUCCESS]);
    expect(lines()).toHaveLength(1);
    await exporter.shutdown();
    expect((await exportOnce(exporter, rm)).code).toBe(ExportResultCode.FAILED);
    expect(lines()).toHaveLength(1);
  });

  it('works with a PeriodicExportingMetricReader of sdk-metrics 2.x, sums as deltas', async () => {
    const { exporter, lines } = capture();
    const reader = new v2.PeriodicExportingMetricReader({
      exporter,
      exportIntervalMillis: 3_600_000,
    });
    const provider = new v2.MeterProvider({
      resource: v2.resourceFromAttributes(ECS_RESOURCE),
      readers: [reader],
    });
    const counter = provider.getMeter('v2').createCounter('requests');
    counter.add(3);
    await reader.forceFlush();
    counter.add(9);
    await reader.forceFlush();
    await provider.shutdown();
    const values = lines()
      .flatMap(extractMetrics)
      .map((m) => m.Value);
    expect(values).toEqual([3, 9]);
    const [metric] = extractMetrics(lines()[0]!);
    expect(metric!.Dimensions).toEqual([
      { Name: 'ClusterName', Value: 'prod' },
      { Name: 'TaskDefinitionFamily', Value: ECS_RESOURCE['aws.ecs.task.family'] },
    ]);
  });
});
