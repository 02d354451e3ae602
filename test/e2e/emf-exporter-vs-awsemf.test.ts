// One collection, two EMF paths: our EmfMetricExporter in the app, and OTLP -> the collector's awsemf running the
// shipped otel-collector.yaml -> moto's CloudWatch Logs. The metrics CloudWatch would extract from both must agree.
import { PassThrough } from 'node:stream';
import { EmfMetricExporter } from '@ecs-task-metrics/exporter-emf';
import { createOtlpMetricExporter } from '@ecs-task-metrics/exporter-otlp';
import { EcsTaskMetricsInstrumentation, PACKAGE_NAME } from '@ecs-task-metrics/instrumentation';
import { startTmdsEmulator } from '@ecs-task-metrics/tmds-emulator';
import { ExportResultCode } from '@opentelemetry/core';
import { awsEcsDetector } from '@opentelemetry/resource-detector-aws';
import { detectResources } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  MeterProvider,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
} from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type ExtractedMetric, extractMetrics } from '../support/emf-validation.js';
import { logsClient, readLogMessages } from './support/cloudwatch-logs.js';
import { type CollectorProcess, startShippedCollector } from './support/collector-process.js';
import type { EmfEvent } from './support/emf.js';
import { type MotoServer, startMoto } from './support/moto.js';
import { E2E_SKIP_VARIABLE } from './support/prerequisites.js';
import { taskIdentity } from './support/scenarios.js';
import { declarationsFor, readShippedEmfConfig } from './support/shipped-config.js';
import { waitFor } from './support/wait-for.js';

// Bridge mode: per-container network counters and disk counters with two directions each.
const SCENARIO = 'ec2-bridge-3-containers';
const config = readShippedEmfConfig();
// The shipped configuration names dimensions after the OpenTelemetry attributes; our mapping renames them.
const OUR_NAME: Record<string, string> = {
  'aws.ecs.cluster.name': 'ClusterName',
  'aws.ecs.task.family': 'TaskDefinitionFamily',
  'container.name': 'ContainerName',
};
const ours = (name: string) => OUR_NAME[name] ?? name;
const declaredSets = (metric: string) =>
  declarationsFor(config, metric).flatMap((d) => d.dimensions.map((set) => set.map(ours).sort()));

/** Metric identity (name, unit, resolution, time, dimensions) -> its values, sorted. */
function byIdentity(metrics: ExtractedMetric[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const m of metrics) {
    const dims = m.Dimensions.map((d) => `${d.Name}=${d.Value}`).sort();
    const key = JSON.stringify([m.MetricName, m.Unit, m.StorageResolution, m.Timestamp, dims]);
    out.set(
      key,
      [...(out.get(key) ?? []), m.Value!].sort((a, b) => a - b),
    );
  }
  return out;
}

describe.skipIf(process.env[E2E_SKIP_VARIABLE])(
  'our EMF exporter and the collector’s awsemf',
  () => {
    let moto: MotoServer | undefined;
    let collector: CollectorProcess | undefined;
    let fromCollector: ExtractedMetric[] = [];
    let fromOurs: ExtractedMetric[] = [];

    beforeAll(async () => {
      moto = await startMoto();
      const shipped = await startShippedCollector(moto.endpoint);
      collector = shipped.collector;

      const emulator = await startTmdsEmulator({ scenario: SCENARIO });
      vi.stubEnv('ECS_CONTAINER_METADATA_URI_V4', emulator.url);
      vi.stubEnv('OTEL_EXPORTER_OTLP_ENDPOINT', shipped.otlpHttpEndpoint);
      const lines = new PassThrough();
      const chunks: Buffer[] = [];
      lines.on('data', (chunk: Buffer) => chunks.push(chunk));
      try {
        const resource = detectResources({ detectors: [awsEcsDetector] });
        await resource.waitForAsyncAttributes?.();
        // Our exporter with roll-ups to the dimension sets the shipped configuration declares.
        const emf = new EmfMetricExporter({
          namespace: config.namespace,
          stream: lines,
          dimensionRollups: config.declarations.flatMap((d) =>
            d.dimensions.map((set) => set.map(ours)),
          ),
        });
        const otlp = createOtlpMetricExporter();
        // One reader, one collection, handed to both exporters.
        const both: PushMetricExporter = {
          export(metrics, done) {
            let pending = 2;
            let failed = false;
            const settle = (code: ExportResultCode) => {
              failed ||= code !== ExportResultCode.SUCCESS;
              if (--pending === 0)
                done({ code: failed ? ExportResultCode.FAILED : ExportResultCode.SUCCESS });
            };
            emf.export(metrics, (r) => settle(r.code));
            otlp.export(metrics, (r) => settle(r.code));
          },
          forceFlush: async () => {
            await Promise.all([emf.forceFlush(), otlp.forceFlush()]);
          },
          shutdown: async () => {
            await Promise.all([emf.shutdown(), otlp.shutdown()]);
          },
          selectAggregationTemporality: () => AggregationTemporality.DELTA,
        };
        const provider = new MeterProvider({
          resource,
          readers: [
            new PeriodicExportingMetricReader({ exporter: both, exportIntervalMillis: 3_600_000 }),
          ],
        });
        const instrumentation = new EcsTaskMetricsInstrumentation({ endpoint: emulator.url });
        instrumentation.setMeterProvider(provider);
        await provider.forceFlush();
        instrumentation.disable();
        await provider.shutdown();
      } finally {
        vi.unstubAllEnvs();
        await emulator.close();
      }

      // Ours: only the metrics of the declared dimension sets (the full sets are extra metrics of ours).
      fromOurs = Buffer.concat(chunks)
        .toString('utf8')
        .split('\n')
        .filter(Boolean)
        .flatMap(extractMetrics)
        .filter((m) =>
          declaredSets(m.MetricName).some(
            (set) => JSON.stringify(set) === JSON.stringify(m.Dimensions.map((d) => d.Name).sort()),
          ),
        );

      const { clusterName, taskId } = taskIdentity(SCENARIO);
      const client = logsClient(moto.endpoint);
      await waitFor('the collector’s EMF for the collection', async () => {
        const messages = await readLogMessages(
          client,
          config.logGroupName.replace('{ClusterName}', clusterName),
          config.logStreamName.replace('{TaskId}', taskId),
        );
        fromCollector = messages
          .map((message) => JSON.parse(message) as EmfEvent)
          // Events without _aws carry values awsemf does not extract as metrics.
          .filter((event) => event.OTelLib === PACKAGE_NAME && event._aws !== undefined)
          .flatMap((event) => extractMetrics(JSON.stringify(event)))
          .map((m) => ({
            ...m,
            Dimensions: m.Dimensions.map((d) => ({ ...d, Name: ours(d.Name) })),
          }));
        return fromCollector.length >= fromOurs.length;
      });
    });

    afterAll(async () => {
      await collector?.close();
      await moto?.close();
    });

    it('extract the same metrics: names, dimensions, units, timestamps and values', () => {
      expect(fromOurs.length).toBeGreaterThan(20);
      const collectorMetrics = byIdentity(fromCollector);
      const ourMetrics = byIdentity(fromOurs);
      expect([...ourMetrics.keys()].sort()).toEqual([...collectorMetrics.keys()].sort());
      for (const [key, values] of collectorMetrics)
        expect(ourMetrics.get(key), key).toEqual(values);
    });

    it('cover task and container metrics, counters with directions among them', () => {
      const names = new Set(fromOurs.map((m) => m.MetricName));
      expect([...names].some((n) => n.startsWith('aws.ecs.task.'))).toBe(true);
      expect(names).toContain('container.memory.working_set');
      expect(names).toContain('container.disk.io');
    });
  },
);
