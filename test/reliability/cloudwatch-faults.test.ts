/*
 * The CloudWatch side of the fault matrix (docs/reliability.md): the instrumentation on the TMDS emulator, the
 * PutMetricData exporter on a PeriodicExportingMetricReader, moto behind the loopback fault proxy (throttling, 5xx,
 * connection resets, answers that never come, datums refused as invalid), and the host Express app serving
 * throughout. For each fault: every app request succeeds, nothing is unhandled, the exporter's self-metrics count
 * the loss and reach CloudWatch once it answers again, and the values after recovery are the emulator's.
 */
import { CloudWatchClient, type Dimension, ListMetricsCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchMetricExporter } from '@ecs-task-metrics/exporter-cloudwatch';
import { EcsTaskMetricsInstrumentation } from '@ecs-task-metrics/instrumentation';
import { startTmdsEmulator, type TmdsEmulator } from '@ecs-task-metrics/tmds-emulator';
import { DiagLogLevel, diag } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { recordingDiag } from '../helpers.js';
import type { Fault, FaultProxy } from '../support/fault-proxy.js';
import { ECS_RESOURCE } from '../support/meter.js';
import {
  hasMotoServer,
  MOTO_SKIP_REASON,
  type Moto,
  metricStatistics,
  motoClientConfig,
  startMotoWithProxy,
} from '../support/moto.js';
import { type HostApp, probe, startHostApp } from './support/host-app.js';
import { reportLatency } from './support/latency-report.js';
import { type ProcessEvents, watchProcess } from './support/process-guards.js';

const NAMESPACE = 'EcsTaskMetricsReliability';
const MIB = 1024 * 1024;
const CONTAINER = 'nginx100';
const FAULTY_EXPORTS = 3;
const ATTEMPTS = 3;
// Distinctive credentials: no diagnostic may repeat them (moto accepts any).
const CREDENTIALS = {
  accessKeyId: 'AKIARELIABILITYTEST1',
  secretAccessKey: 'rel/Secret+Key/9f8e7d6c5b4a3210EXAMPLE',
  sessionToken: 'IQoJrelSessionTokenEXAMPLE',
};
const motoPresent = hasMotoServer();
if (!motoPresent) process.stderr.write(`${MOTO_SKIP_REASON}\n`);

const TASK_DIMENSIONS: Dimension[] = [
  { Name: 'ClusterName', Value: 'prod' },
  { Name: 'TaskDefinitionFamily', Value: ECS_RESOURCE['aws.ecs.task.family'] },
];

describe.skipIf(!motoPresent)(
  'CloudWatch fault matrix, with the host app serving throughout',
  () => {
    let moto: Moto;
    let proxy: FaultProxy;
    let stopMoto: () => Promise<void>;
    let cloudwatch: CloudWatchClient;
    let app: HostApp;
    let events: ProcessEvents;
    const cleanups: Array<() => unknown> = [];

    beforeAll(async () => {
      events = watchProcess();
      ({ moto, proxy, stop: stopMoto } = await startMotoWithProxy());
      cloudwatch = new CloudWatchClient(motoClientConfig(moto.endpoint));
      app = await startHostApp();
    });
    afterAll(async () => {
      cloudwatch?.destroy();
      await app?.close();
      await stopMoto?.();
      events.dispose();
    });
    beforeEach(async () => {
      await moto.reset();
      proxy.reset();
    });
    afterEach(async () => {
      for (const c of cleanups.splice(0).reverse()) await c();
      diag.disable();
      expect(events.unhandledRejections).toEqual([]);
      expect(events.uncaughtExceptions).toEqual([]);
    });

    interface Rig {
      emu: TmdsEmulator;
      logger: ReturnType<typeof recordingDiag>;
      /** One collection and export with the container's memory usage set to `bytes`. */
      exportWithUsage(bytes: number): Promise<void>;
    }

    async function setup(exportTimeoutMillis = 5_000): Promise<Rig> {
      const logger = recordingDiag();
      diag.setLogger(logger, DiagLogLevel.WARN);
      const emu = await startTmdsEmulator({ scenario: 'ec2-bridge-3-containers' });
      const exporter = new CloudWatchMetricExporter({
        namespace: NAMESPACE,
        maxAttempts: ATTEMPTS,
        exportTimeoutMillis,
        // moto's server mode cannot read gzip JSON bodies.
        clientConfig: {
          ...motoClientConfig(proxy.endpoint),
          // A copy: the AWS SDK marks the credentials object it is given.
          credentials: { ...CREDENTIALS },
          disableRequestCompression: true,
        },
      });
      const provider = new MeterProvider({
        resource: resourceFromAttributes(ECS_RESOURCE),
        readers: [
          new PeriodicExportingMetricReader({
            exporter,
            exportIntervalMillis: 3_600_000,
            exportTimeoutMillis: exportTimeoutMillis + 5_000,
          }),
        ],
      });
      exporter.setSelfObsMeterProvider(provider);
      const instrumentation = new EcsTaskMetricsInstrumentation({ endpoint: emu.url });
      instrumentation.setMeterProvider(provider);
      cleanups.push(
        () => emu.close(),
        () => provider.shutdown(),
        () => instrumentation.disable(),
      );
      return {
        emu,
        logger,
        async exportWithUsage(bytes: number) {
          emu.setMemoryUsage(CONTAINER, bytes);
          emu.advance(1);
          await provider.forceFlush();
        },
      };
    }

    /** The container's memory usage as CloudWatch stored it. */
    const usage = async () =>
      (
        await metricStatistics(cloudwatch, {
          namespace: NAMESPACE,
          metricName: 'container.memory.usage',
          dimensions: [...TASK_DIMENSIONS, { Name: 'ContainerName', Value: CONTAINER }],
        })
      )[0];

    /** Sum of a self-metric in CloudWatch per `error.type` (every dimension set of the metric). */
    async function selfMetric(metricName: string): Promise<Map<string, number>> {
      const { Metrics = [] } = await cloudwatch.send(
        new ListMetricsCommand({ Namespace: NAMESPACE, MetricName: metricName }),
      );
      const sums = new Map<string, number>();
      for (const metric of Metrics) {
        const [point] = await metricStatistics(cloudwatch, {
          namespace: NAMESPACE,
          metricName,
          dimensions: metric.Dimensions ?? [],
        });
        const type = metric.Dimensions?.find((d) => d.Name === 'error.type')?.Value ?? '';
        sums.set(type, (sums.get(type) ?? 0) + (point?.Sum ?? 0));
      }
      return sums;
    }

    /** The faulty exports, with the host app probed until they are done. */
    async function underLoad(rig: Rig, fault: string): Promise<void> {
      let exporting = true;
      const exports = (async () => {
        for (let i = 1; i <= FAULTY_EXPORTS; i++) await rig.exportWithUsage((300 + i) * MIB);
        exporting = false;
      })();
      const load = await probe(app, { min: 400, max: 5_000, until: () => !exporting });
      await exports;
      reportLatency(fault, load.latencies);
      expect(load.failed).toBe(0);
    }

    /**
     * Healthy export (100 MiB), the faulty ones (301.. MiB, lost), the recovery export (200 MiB): CloudWatch holds
     * exactly the two delivered samples, and the exporter's counts of what it lost.
     */
    async function expectLossCountedAndRecovery(rig: Rig, errorType: RegExp) {
      await rig.exportWithUsage(200 * MIB);
      expect(await usage()).toMatchObject({
        SampleCount: 2,
        Minimum: 100 * MIB,
        Maximum: 200 * MIB,
      });
      // Failed exports are counted by cause, with the datums they lost. (Under DELTA the counts recorded during
      // the fault travel with the next export: those of the last failed one arrive with the recovery.)
      const errors = await selfMetric('ecs_task_metrics.export.errors');
      expect(
        [...errors.keys()].some((t) => errorType.test(t)),
        JSON.stringify([...errors]),
      ).toBe(true);
      const dropped = await selfMetric('ecs_task_metrics.export.datums.dropped');
      expect([...dropped.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
      // Every failure is also a diagnostic (the SDK's error handler and the exporter's own).
      expect(rig.logger.messages.some((m) => m.level === 'error')).toBe(true);
      expectNoSecrets(rig);
    }

    function expectNoSecrets(rig: Rig): void {
      // Diagnostics name the cause only: no credentials, signatures, headers or request bodies.

      const text = rig.logger.messages
        .map((m) => m.text)
        .join('\n')
        .toLowerCase();

      for (const secret of [
        CREDENTIALS.accessKeyId,
        CREDENTIALS.secretAccessKey,
        CREDENTIALS.sessionToken,
        'AWS4-HMAC-SHA256',
        'Signature=',
        'x-amz-security-token',
        'authorization',
        // Fragments of a PutMetricData body (CloudWatch's own error messages may name the parameter).
        '"MetricData":',
        '"Namespace":',
      ]) {
        expect(text).not.toContain(secret.toLowerCase());
      }
    }

    const storms: Array<{ name: string; fault: Fault; errorType: RegExp; retried: boolean }> = [
      {
        name: 'CloudWatch throttling storm',
        fault: 'throttle',
        errorType: /^Throttling$/,
        retried: true,
      },
      {
        name: 'CloudWatch 5xx',
        fault: 'server-error',
        errorType: /^InternalServiceError$/,
        retried: true,
      },
      {
        name: 'connection resets',
        fault: 'reset',
        errorType: /^ECONNRESET$/,
        retried: true,
      },
    ];

    it.each(storms)('$name', async ({ name, fault, errorType, retried }) => {
      const rig = await setup();
      await rig.exportWithUsage(100 * MIB);
      // Every attempt of every faulty export meets the fault.
      proxy.failNext(...Array.from({ length: FAULTY_EXPORTS * ATTEMPTS }, () => fault));
      await underLoad(rig, name);
      expect(proxy.putMetricDataRequests().filter((r) => r.outcome === fault)).toHaveLength(
        FAULTY_EXPORTS * ATTEMPTS,
      );
      await expectLossCountedAndRecovery(rig, errorType);
      if (retried) {
        const retries = await selfMetric('ecs_task_metrics.export.retries');
        expect([...retries.values()].reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(
          ATTEMPTS - 1,
        );
      }
    });

    it('CloudWatch does not answer: each export ends at its deadline', async () => {
      const rig = await setup(500);
      await rig.exportWithUsage(100 * MIB);
      proxy.failNext(...Array.from({ length: FAULTY_EXPORTS * ATTEMPTS }, () => 'hang' as const));
      await underLoad(rig, 'CloudWatch timeouts');
      // Aborted at the deadline, not retried past it; the held requests are left to the proxy.
      proxy.reset();
      await expectLossCountedAndRecovery(rig, /^(AbortError|TimeoutError)$/);
    });

    it('a partly invalid batch: the valid datums are delivered, the invalid ones dropped and counted', async () => {
      const rig = await setup();
      await rig.exportWithUsage(100 * MIB);
      proxy.rejectDatums((datum) => datum.MetricName === 'container.cpu.time');
      let exporting = true;
      const exported = (async () => {
        await rig.exportWithUsage(150 * MIB);
        exporting = false;
      })();
      const load = await probe(app, { min: 400, max: 5_000, until: () => !exporting });
      await exported;
      reportLatency('partly invalid batch', load.latencies);
      expect(load.failed).toBe(0);
      // Delivered despite the refused datums in the same request.
      expect(await usage()).toMatchObject({ SampleCount: 2, Maximum: 150 * MIB });
      proxy.reset();
      await rig.exportWithUsage(200 * MIB);
      expect(await usage()).toMatchObject({ SampleCount: 3, Maximum: 200 * MIB });
      const dropped = await selfMetric('ecs_task_metrics.export.datums.dropped');
      // One container.cpu.time datum per running container (two of the scenario's three run).
      expect(dropped.get('invalid_datum')).toBe(2);
      expectNoSecrets(rig);
      expect(await selfMetric('ecs_task_metrics.export.errors')).toEqual(new Map());
    });
  },
);
