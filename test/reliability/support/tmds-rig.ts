/*
 * One host process under test: the TMDS emulator, the instrumentation on a real MeterProvider (DELTA, as the
 * exporters ask for) with an in-memory exporter, a diag logger that keeps every message, and the Express app.
 */
import { EcsTaskMetricsInstrumentation } from '@ecs-task-metrics/instrumentation';
import {
  startTmdsEmulator,
  type TmdsEmulator,
  type TmdsEmulatorOptions,
} from '@ecs-task-metrics/tmds-emulator';
import { DiagLogLevel, diag } from '@opentelemetry/api';
import { AggregationTemporality } from '@opentelemetry/sdk-metrics';
import { type FlatPoint, flatten, inMemoryProvider, recordingDiag } from '../../helpers.js';
import { type HostApp, startHostApp } from './host-app.js';

export const SELF_ERRORS = 'ecs_task_metrics.collection.errors';

export interface RigOptions {
  scenario?: string;
  timeoutMs?: number;
  emulator?: TmdsEmulatorOptions;
}

export interface Rig {
  emu: TmdsEmulator;
  app: HostApp;
  instrumentation: EcsTaskMetricsInstrumentation;
  logger: ReturnType<typeof recordingDiag>;
  /** One collection through the reader; every point it exported. */
  collect(): Promise<FlatPoint[]>;
  /** Replaces the emulator by a new one on the same port (the agent coming back). */
  restartEmulator(): Promise<void>;
  close(): Promise<void>;
}

export async function startRig(options: RigOptions = {}): Promise<Rig> {
  const emulatorOptions = {
    scenario: options.scenario ?? 'ec2-bridge-3-containers',
    ...options.emulator,
  };
  const logger = recordingDiag();
  diag.setLogger(logger, DiagLogLevel.WARN);
  const mp = inMemoryProvider(AggregationTemporality.DELTA);
  let emu = await startTmdsEmulator(emulatorOptions);
  const port = Number(new URL(emu.url).port);
  const instrumentation = new EcsTaskMetricsInstrumentation({
    endpoint: emu.url,
    timeoutMs: options.timeoutMs ?? 300,
  });
  instrumentation.setMeterProvider(mp.provider);
  const app = await startHostApp();
  const rig: Rig = {
    get emu() {
      return emu;
    },
    app,
    instrumentation,
    logger,
    collect: async () => flatten(await mp.collect()),
    async restartEmulator() {
      await emu.close().catch(() => {});
      emu = await startTmdsEmulator({ ...emulatorOptions, port });
    },
    async close() {
      instrumentation.disable();
      await mp.provider.shutdown();
      await app.close();
      await emu.close().catch(() => {});
      diag.disable();
    },
  };
  return rig;
}

/** Task and container metrics only (the self-metrics are reported during faults by design). */
export function taskPoints(points: FlatPoint[]): FlatPoint[] {
  return points.filter((p) => !p.name.startsWith('ecs_task_metrics.'));
}

/** Sum of the self-metric's points matching `attrs`. */
export function selfErrors(points: FlatPoint[], attrs: Record<string, string> = {}): number {
  return points
    .filter(
      (p) =>
        p.name === SELF_ERRORS && Object.entries(attrs).every(([k, v]) => p.attributes[k] === v),
    )
    .reduce((a, p) => a + p.value, 0);
}

/** The emulator's current `/task/stats` and `/task`, read as any client would. */
export async function servedDocuments(emu: TmdsEmulator): Promise<{ stats: any; task: any }> {
  const read = async (path: string) => (await fetch(`${emu.url}${path}`)).json();
  return { stats: await read('/task/stats'), task: await read('/task') };
}
