import { CloudWatchClient, type Dimension } from '@aws-sdk/client-cloudwatch';
import { CloudWatchMetricExporter } from '@ecs-task-metrics/exporter-cloudwatch';
import { EcsTaskMetricsInstrumentation } from '@ecs-task-metrics/instrumentation';
import { startTmdsEmulator, type TmdsEmulator } from '@ecs-task-metrics/tmds-emulator';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
} from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFixture } from '../packages/instrumentation/test/fixtures.js';
import type { FaultProxy } from './support/fault-proxy.js';
import {
  hasMotoServer,
  MOTO_SKIP_REASON,
  type Moto,
  metricStatistics,
  motoClientConfig,
  startMotoWithProxy,
} from './support/moto.js';

const NAMESPACE = 'EcsTaskMetricsE2E';
const SCENARIO = 'ec2-bridge-3-containers';
const fixture = (file: string) => loadFixture(SCENARIO, file);
const motoPresent = hasMotoServer();
if (!motoPresent) process.stderr.write(`${MOTO_SKIP_REASON}\n`);

// The documented mapping, written out independently: UCUM -> CloudWatch units, attribute ->
// dimension names, high-cardinality attributes left out.
const UNITS: Record<string, string> = { By: 'Bytes', s: 'Seconds', '1': 'None', '{cpu}': 'None' };
const RENAMES: Record<string, string> = { 'container.name': 'ContainerName' };

describe.skipIf(!motoPresent)(
  'instrumentation + CloudWatch exporter + MeterProvider, TMDS emulator and moto',
  () => {
    let moto: Moto;
    let proxy: FaultProxy;
    let stopMoto: () => Promise<void>;
    let emulator: TmdsEmulator;
    let cloudWatch: CloudWatchClient;

    beforeAll(async () => {
      ({ moto, proxy, stop: stopMoto } = await startMotoWithProxy());
      emulator = await startTmdsEmulator({ scenario: SCENARIO });
      cloudWatch = new CloudWatchClient(motoClientConfig(moto.endpoint));
    });
    afterAll(async () => {
      cloudWatch?.destroy();
      await emulator?.close();
      await stopMoto?.();
    });

    it('stores in CloudWatch exactly what the instrumentation computed for the scenario', async () => {
      const task = fixture('task.json');
      const stats = fixture('task-stats.json');
      const exporter = new CloudWatchMetricExporter({
        namespace: NAMESPACE,
        clientConfig: { ...motoClientConfig(proxy.endpoint), disableRequestCompression: true },
      });
      // The same export also goes to memory, to compare point by point with what CloudWatch stored.
      const memory = new InMemoryMetricExporter(AggregationTemporality.DELTA);
      const tee: PushMetricExporter = {
        export: (metrics, done) => {
          memory.export(metrics, () => {});
          exporter.export(metrics, done);
        },
        forceFlush: () => exporter.forceFlush(),
        shutdown: () => exporter.shutdown(),
        selectAggregationTemporality: (type) => exporter.selectAggregationTemporality(type),
      };
      const reader = new PeriodicExportingMetricReader({
        exporter: tee,
        exportIntervalMillis: 3_600_000,
      });
      const provider = new MeterProvider({
        // What the ECS resource detector reports for this task.
        resource: resourceFromAttributes({
          'aws.ecs.cluster.arn': task.Cluster,
          'aws.ecs.task.arn': task.TaskARN,
          'aws.ecs.task.family': task.Family,
        }),
        readers: [reader],
      });
      const instrumentation = new EcsTaskMetricsInstrumentation({
        enabled: false,
        endpoint: emulator.url,
      });
      instrumentation.setMeterProvider(provider);
      instrumentation.enable();
      await reader.forceFlush();
      instrumentation.disable();
      await provider.shutdown();
      expect(emulator.requestCount('/task/stats')).toBe(1);

      // Every point of every export (shutdown exports once more: levels such as up-down counters again),
      // grouped by metric and attributes: CloudWatch aggregates them as samples of one metric.
      const exported = new Map<
        string,
        { name: string; unit: string; attributes: Record<string, unknown>; values: number[] }
      >();
      for (const metric of memory
        .getMetrics()
        .flatMap((rm) => rm.scopeMetrics.flatMap((s) => s.metrics))) {
        for (const point of metric.dataPoints) {
          const key = JSON.stringify([metric.descriptor.name, point.attributes]);
          const entry = exported.get(key) ?? {
            name: metric.descriptor.name,
            unit: metric.descriptor.unit,
            attributes: point.attributes,
            values: [],
          };
          entry.values.push(point.value as number);
          exported.set(key, entry);
        }
      }
      const taskDimensions: Dimension[] = [
        { Name: 'ClusterName', Value: task.Cluster.split('/').pop() },
        { Name: 'TaskDefinitionFamily', Value: task.Family },
      ];
      let compared = 0;
      for (const { name, unit, attributes, values } of exported.values()) {
        const dimensions = [
          ...taskDimensions,
          ...Object.entries(attributes)
            .filter(([key]) => key !== 'container.id')
            .map(([key, v]) => ({ Name: RENAMES[key] ?? key, Value: String(v) })),
        ];
        const Datapoints = await metricStatistics(cloudWatch, {
          namespace: NAMESPACE,
          metricName: name,
          dimensions: dimensions,
        });
        const where = `${name} ${JSON.stringify(attributes)}`;
        expect(Datapoints, where).toHaveLength(1);
        // Gauges carry their value, counters their delta (the first delta of a counter is its whole value).
        expect(Datapoints[0], where).toMatchObject({
          SampleCount: values.length,
          Sum: values.reduce((a, v) => a + v, 0),
          Maximum: Math.max(...values),
          Unit: UNITS[unit] ?? 'None',
        });
        compared++;
      }
      expect(compared).toBeGreaterThan(20);

      // And the stored numbers are the scenario's, by the formulas: working set = usage - inactive file.
      for (const container of task.Containers) {
        const s = stats[container.DockerId];
        if (!s?.memory_stats) continue;
        const workingSet = s.memory_stats.usage - s.memory_stats.stats.total_inactive_file;
        const Datapoints = await metricStatistics(cloudWatch, {
          namespace: NAMESPACE,
          metricName: 'container.memory.working_set',
          dimensions: [...taskDimensions, { Name: 'ContainerName', Value: container.Name }],
        });
        expect(Datapoints[0]?.Maximum, container.Name).toBe(workingSet);
      }
    });
  },
);
