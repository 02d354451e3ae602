/*
 * The OTLP side of the fault matrix (docs/reliability.md): the app exports over OTLP/HTTP to the collector built
 * from the manifest, running the shipped otel-collector.yaml into moto's CloudWatch Logs; the collector goes
 * down and comes back while the host app serves requests. Runs with the e2e suite (`npm run test:e2e`), which
 * builds the collector.
 */
import { createOtlpMetricExporter } from '@ecs-task-metrics/exporter-otlp';
import { EcsTaskMetricsInstrumentation, PACKAGE_NAME } from '@ecs-task-metrics/instrumentation';
import { startTmdsEmulator, type TmdsEmulator } from '@ecs-task-metrics/tmds-emulator';
import { DiagLogLevel, diag } from '@opentelemetry/api';
import { awsEcsDetector } from '@opentelemetry/resource-detector-aws';
import { detectResources } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { locateCollectorBuild } from '../../collector/locate.ts';
import { logsClient, readLogMessages, TEST_AWS_ENV } from '../e2e/support/cloudwatch-logs.js';
import { type CollectorProcess, startCollector } from '../e2e/support/collector-process.js';
import { freePort } from '../e2e/support/free-port.js';
import { type MotoServer, startMoto } from '../e2e/support/moto.js';
import { E2E_SKIP_VARIABLE } from '../e2e/support/prerequisites.js';
import { taskIdentity } from '../e2e/support/scenarios.js';
import { readShippedEmfConfig, SHIPPED_CONFIG_PATH } from '../e2e/support/shipped-config.js';
import { waitFor } from '../e2e/support/wait-for.js';
import { recordingDiag } from '../helpers.js';
import { type HostApp, probe, startHostApp } from './support/host-app.js';
import { reportLatency } from './support/latency-report.js';
import { type ProcessEvents, settledHeap, watchProcess } from './support/process-guards.js';

const SCENARIO = 'ec2-bridge-3-containers';
const CONTAINER = 'nginx100';
const MIB = 1024 * 1024;
const OUTAGE_EXPORTS = 30;

describe.skipIf(process.env[E2E_SKIP_VARIABLE])('OTLP collector down and coming back', () => {
  let moto: MotoServer;
  let collector: CollectorProcess | undefined;
  let emu: TmdsEmulator;
  let app: HostApp;
  let events: ProcessEvents;
  let collectorEnv: Record<string, string>;
  let otlpPort: number;

  const start = async () =>
    startCollector({
      binaryPath: locateCollectorBuild().binaryPath,
      configPath: SHIPPED_CONFIG_PATH,
      env: collectorEnv,
      healthCheckVariable: 'ECS_TASK_METRICS_HEALTH_CHECK_ENDPOINT',
    });

  beforeAll(async () => {
    events = watchProcess();
    moto = await startMoto();
    otlpPort = await freePort();
    collectorEnv = {
      ...TEST_AWS_ENV,
      AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: moto.endpoint,
      ECS_TASK_METRICS_OTLP_HTTP_ENDPOINT: `127.0.0.1:${otlpPort}`,
      ECS_TASK_METRICS_OTLP_GRPC_ENDPOINT: `127.0.0.1:${await freePort()}`,
    };
    collector = await start();
    emu = await startTmdsEmulator({ scenario: SCENARIO });
    app = await startHostApp();
  });

  afterAll(async () => {
    await collector?.close();
    await moto?.close();
    await emu?.close();
    await app?.close();
    vi.unstubAllEnvs();
    diag.disable();
    events.dispose();
  });

  it('the app keeps serving, nothing is unhandled, and the numbers after recovery arrive right', async () => {
    const logger = recordingDiag();
    diag.setLogger(logger, DiagLogLevel.WARN);
    vi.stubEnv('ECS_CONTAINER_METADATA_URI_V4', emu.url);
    const resource = detectResources({ detectors: [awsEcsDetector] });
    await resource.waitForAsyncAttributes?.();
    // Shorter than the exporter's first retry backoff (1 s): a refused export fails at once.
    const exporter = createOtlpMetricExporter({
      url: `http://127.0.0.1:${otlpPort}/v1/metrics`,
      timeoutMillis: 500,
    });
    const provider = new MeterProvider({
      resource,
      readers: [
        new PeriodicExportingMetricReader({
          exporter,
          exportIntervalMillis: 3_600_000,
          exportTimeoutMillis: 2_000,
        }),
      ],
    });
    // The exporter's own otel.sdk.exporter.* metrics, on the provider it exports for (docs/reliability.md).
    exporter.setSelfObsMeterProvider(provider);
    const instrumentation = new EcsTaskMetricsInstrumentation({ endpoint: emu.url });
    instrumentation.setMeterProvider(provider);

    const { clusterName, taskId } = taskIdentity(SCENARIO);
    const config = readShippedEmfConfig();
    const client = logsClient(moto.endpoint);
    const logEvents = async () =>
      (
        await readLogMessages(
          client,
          config.logGroupName.replace('{ClusterName}', clusterName),
          config.logStreamName.replace('{TaskId}', taskId),
        )
      ).map((m) => JSON.parse(m));
    /** The events of one metric that CloudWatch extracts (named in a directive), with their units. */
    const extracted = async (name: string) =>
      (await logEvents()).filter((e) =>
        e._aws?.CloudWatchMetrics?.some((d: any) => d.Metrics.some((m: any) => m.Name === name)),
      );
    const usages = async () =>
      (await logEvents())
        .filter((e) => e.OTelLib === PACKAGE_NAME && e['container.name'] === CONTAINER)
        .map((e) => e['container.memory.usage'] as number | undefined)
        .filter((v) => v !== undefined);
    const exportWithUsage = async (bytes: number) => {
      emu.setMemoryUsage(CONTAINER, bytes);
      emu.advance(1);
      await provider.forceFlush();
    };

    try {
      // Healthy: the value arrives.
      await exportWithUsage(100 * MIB);
      await waitFor('the healthy export in CloudWatch Logs', async () =>
        (await usages()).includes(100 * MIB),
      );

      // A metadata endpoint failure is not silent: its counter becomes a CloudWatch metric per cause.
      emu.setFault({ kind: 'status', status: 500, paths: ['/task/stats'], count: 1 });
      await provider.forceFlush();
      await waitFor('the collection error counter in CloudWatch Logs', async () =>
        (await extracted('ecs_task_metrics.collection.errors')).some(
          (e) => e['error.type'] === '500' && e['url.path'] === '/task/stats',
        ),
      );

      // The collector goes away (SIGTERM: it flushes what it holds, then stops listening).
      await collector!.close();
      collector = undefined;
      const errorsBefore = logger.messages.filter((m) => m.level === 'error').length;
      const heapBefore = settledHeap();
      let exporting = true;
      const outage = (async () => {
        for (let i = 1; i <= OUTAGE_EXPORTS; i++) await exportWithUsage((100 + i) * MIB);
        exporting = false;
      })();
      const load = await probe(app, { min: 400, max: 20_000, until: () => !exporting });
      await outage;
      reportLatency('OTLP collector down', load.latencies);
      expect(load.failed).toBe(0);
      // Failed exports are reported through the SDK's error handler (diag), never thrown at the app.
      const exportErrors = logger.messages.filter((m) => m.level === 'error').slice(errorsBefore);
      expect(exportErrors.length).toBeGreaterThan(0);
      // Nothing is buffered while the collector is away: the heap does not grow with the outage.
      expect(settledHeap() - heapBefore).toBeLessThan(4 * 1024 * 1024);

      // The collector comes back on the same port: the next export arrives with the current value.
      collector = await start();
      await exportWithUsage(200 * MIB);
      await waitFor('the export after recovery in CloudWatch Logs', async () =>
        (await usages()).includes(200 * MIB),
      );
      // One more export carries the successful exports' count (no error.type).
      await exportWithUsage(201 * MIB);
      await waitFor('the export after that', async () => (await usages()).includes(201 * MIB));
      const seen = await usages();
      // DELTA exports that failed are not resent: what was collected during the outage is lost, and only that.
      for (let i = 1; i <= OUTAGE_EXPORTS; i++) expect(seen).not.toContain((100 + i) * MIB);
      expect(seen).toEqual([100 * MIB, 200 * MIB, 201 * MIB]);
      // The outage is not silent either: the exporter's failed data points arrive as a metric per cause once the
      // collector is back (part of them: counts recorded during the outage leave with the failed DELTA exports).
      const exportedName = 'otel.sdk.exporter.metric_data_point.exported';
      const failedExports = await extracted(exportedName);
      expect(failedExports.length).toBeGreaterThan(0);
      for (const e of failedExports) {
        expect(e['error.type']).toBeTypeOf('string');
        expect(e[exportedName]).toBeGreaterThan(0);
      }
      // Successful exports are counted too (no error.type) but not extracted as a metric: no cost when healthy.
      const logged = (await logEvents()).filter((e) => exportedName in e);
      expect(logged.some((e) => e['error.type'] === undefined)).toBe(true);
      expect(instrumentation.lastFailure).toBeUndefined();
      expect(events.unhandledRejections).toEqual([]);
      expect(events.uncaughtExceptions).toEqual([]);
    } finally {
      instrumentation.disable();
      await provider.shutdown().catch(() => {});
    }
  });
});
