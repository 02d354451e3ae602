// Our instrumentation -> OTLP/HTTP -> the collector built from the manifest, running the shipped
// otel-collector.yaml -> awsemf -> moto's CloudWatch Logs; the test reads the log events back.
import { createOtlpMetricExporter } from '@ecs-task-metrics/exporter-otlp';
import { EcsTaskMetricsInstrumentation, PACKAGE_NAME } from '@ecs-task-metrics/instrumentation';
import { startTmdsEmulator } from '@ecs-task-metrics/tmds-emulator';
import { awsEcsDetector } from '@opentelemetry/resource-detector-aws';
import { detectResources } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type FlatPoint, flatten } from '../helpers.js';
import { logsClient, readLogMessages } from './support/cloudwatch-logs.js';
import { type CollectorProcess, startShippedCollector } from './support/collector-process.js';
import { CLOUDWATCH_UNITS, type EmfEvent, emfErrors } from './support/emf.js';
import { type MotoServer, startMoto } from './support/moto.js';
import { E2E_SKIP_VARIABLE } from './support/prerequisites.js';
import { readFixture, scenariosWith, taskIdentity } from './support/scenarios.js';
import {
  declarationsFor,
  expectedCloudWatchUnit,
  readShippedEmfConfig,
} from './support/shipped-config.js';
import { waitFor } from './support/wait-for.js';

// Every scenario the ECS resource detector (container + task documents) and the instrumentation (task stats) read.
const SCENARIOS = scenariosWith('container.json', 'task.json', 'task-stats.json');
const config = readShippedEmfConfig();

interface ScenarioRun {
  /** What our instrumentation exported (the same collection, seen by an in-memory reader). */
  points: FlatPoint[];
  /** Our EMF events in the scenario's log stream. */
  events: EmfEvent[];
}

describe.skipIf(process.env[E2E_SKIP_VARIABLE])(
  'OTLP -> collector (otel-collector.yaml) -> EMF',
  () => {
    let moto: MotoServer | undefined;
    let collector: CollectorProcess | undefined;
    const runs = new Map<string, ScenarioRun>();

    beforeAll(async () => {
      moto = await startMoto();
      const shipped = await startShippedCollector(moto.endpoint);
      collector = shipped.collector;

      for (const scenario of SCENARIOS) {
        const emulator = await startTmdsEmulator({ scenario });
        // The app's environment in a task: the metadata endpoint, and the sidecar's address for OTLP.
        vi.stubEnv('ECS_CONTAINER_METADATA_URI_V4', emulator.url);
        vi.stubEnv('OTEL_EXPORTER_OTLP_ENDPOINT', shipped.otlpHttpEndpoint);
        try {
          const resource = detectResources({ detectors: [awsEcsDetector] });
          await resource.waitForAsyncAttributes?.();
          const memory = new InMemoryMetricExporter(AggregationTemporality.DELTA);
          const provider = new MeterProvider({
            resource,
            readers: [
              new PeriodicExportingMetricReader({
                exporter: createOtlpMetricExporter(),
                exportIntervalMillis: 3_600_000,
              }),
              new PeriodicExportingMetricReader({
                exporter: memory,
                exportIntervalMillis: 3_600_000,
              }),
            ],
          });
          const instrumentation = new EcsTaskMetricsInstrumentation({ endpoint: emulator.url });
          instrumentation.setMeterProvider(provider);
          await provider.forceFlush();
          instrumentation.disable();
          await provider.shutdown();
          const points = flatten(memory.getMetrics()[0]).filter((p) => p.scope === PACKAGE_NAME);
          runs.set(scenario, { points, events: [] });
        } finally {
          vi.unstubAllEnvs();
          await emulator.close();
        }
      }

      // The batch processor holds points up to its timeout; wait until every point has reached its stream.
      const client = logsClient(moto.endpoint);
      await waitFor('every exported point in CloudWatch Logs', async () => {
        for (const [scenario, run] of runs) {
          const { clusterName, taskId } = taskIdentity(scenario);
          const messages = await readLogMessages(
            client,
            config.logGroupName.replace('{ClusterName}', clusterName),
            config.logStreamName.replace('{TaskId}', taskId),
          );
          run.events = messages
            .map((message) => JSON.parse(message) as EmfEvent)
            .filter((event) => event.OTelLib === PACKAGE_NAME);
          const published = run.events.reduce(
            (count, event) => count + event._aws.CloudWatchMetrics.flatMap((d) => d.Metrics).length,
            0,
          );
          if (published < run.points.length) return false;
        }
        return true;
      });
    });

    afterAll(async () => {
      await collector?.close();
      await moto?.close();
    });

    it('covers scenarios with containers of every kind', () => {
      expect(SCENARIOS.length).toBeGreaterThanOrEqual(4);
      for (const scenario of SCENARIOS)
        expect(runs.get(scenario)?.points.length).toBeGreaterThan(0);
    });

    describe.each(SCENARIOS)('%s', (scenario) => {
      const identity = taskIdentity(scenario);

      it('writes valid EMF to the log group and stream named by the cluster and the task', () => {
        const { events } = runs.get(scenario)!;
        expect(events.length).toBeGreaterThan(0);
        for (const event of events) expect(emfErrors(event)).toEqual([]);
      });

      it('publishes every point once, with its value, namespace, unit and dimension sets', () => {
        const { points, events } = runs.get(scenario)!;
        for (const point of points) {
          const where = `${point.name} ${JSON.stringify(point.attributes)}`;
          // The event of a point carries its attributes as members (the directions of disk and network I/O).
          const matching = events.filter(
            (event) =>
              event[point.name] !== undefined &&
              Object.entries(point.attributes).every(
                ([key, value]) => event[key] === String(value),
              ),
          );
          expect(matching, where).toHaveLength(1);
          const event = matching[0]!;
          expect(event[point.name], where).toBe(point.value);

          const directives = event._aws.CloudWatchMetrics.filter((d) =>
            d.Metrics.some((m) => m.Name === point.name),
          );
          expect(directives, where).toHaveLength(1);
          const directive = directives[0]!;
          expect(directive.Namespace).toBe(config.namespace);

          const declarations = declarationsFor(config, point.name);
          expect(declarations, `${where}: exactly one metric_declaration selects it`).toHaveLength(
            1,
          );
          // NoDimensionRollup: exactly the declared sets, each of which names members the event has.
          expect(directive.Dimensions, where).toEqual(declarations[0]!.dimensions);
          for (const key of directive.Dimensions.flat())
            expect(event[key], `${where} ${key}`).toBeTypeOf('string');

          const unit = directive.Metrics.find((m) => m.Name === point.name)!.Unit ?? '';
          expect(unit, where).toBe(expectedCloudWatchUnit(config, point.name, point.unit));
          expect([...CLOUDWATCH_UNITS, ''], where).toContain(unit);
        }
        const published = events.flatMap((e) => e._aws.CloudWatchMetrics.flatMap((d) => d.Metrics));
        expect(published).toHaveLength(points.length);
      });

      it("uses the task's cluster and family, and each point's own container name, as dimensions", () => {
        const { points, events } = runs.get(scenario)!;
        for (const event of events) {
          expect(event['aws.ecs.cluster.name']).toBe(identity.clusterName);
          expect(event['aws.ecs.task.family']).toBe(identity.family);
          expect(event['aws.ecs.task.id']).toBe(identity.taskId);
        }
        // The detector's resource names the app's own container; it must not replace the container of a point.
        const containerPoints = points.filter((p) => p.name.startsWith('container.'));
        expect(containerPoints.length).toBeGreaterThan(0);
        for (const point of containerPoints) {
          const event = events.find(
            (e) =>
              e[point.name] !== undefined && e['container.id'] === point.attributes['container.id'],
          );
          expect(event?.['container.name']).toBe(point.attributes['container.name']);
        }
        // Task-level events describe no single container.
        for (const event of events.filter((e) =>
          Object.keys(e).some(
            (key) => key.startsWith('aws.ecs.task.') && typeof e[key] === 'number',
          ),
        )) {
          expect(event['container.name']).toBeUndefined();
        }
      });

      it("publishes each running container's memory usage and CPU time as the endpoint reported them", () => {
        const { events } = runs.get(scenario)!;
        const stats = readFixture(scenario, 'task-stats.json') as Record<
          string,
          {
            memory_stats?: { usage?: number };
            cpu_stats?: { cpu_usage?: { total_usage?: number } };
          } | null
        >;
        const running = Object.entries(stats).filter(
          ([, s]) => s?.memory_stats?.usage !== undefined,
        );
        expect(running.length).toBeGreaterThan(0);
        const eventOf = (metric: string, dockerId: string) =>
          events.find((e) => e[metric] !== undefined && e['container.id'] === dockerId);
        for (const [dockerId, s] of running) {
          const usage = eventOf('container.memory.usage', dockerId)?.['container.memory.usage'];
          expect(usage, dockerId).toBe(s!.memory_stats!.usage);
          // A delta counter's first export carries everything counted since the container started.
          const cpuTime = eventOf('container.cpu.time', dockerId)?.['container.cpu.time'];
          expect(cpuTime, dockerId).toBeCloseTo(s!.cpu_stats!.cpu_usage!.total_usage! / 1e9, 9);
        }
      });
    });
  },
);
