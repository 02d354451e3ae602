import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { DiagLogger } from '@opentelemetry/api';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';

/** A real MeterProvider whose reader exports to memory on `collect()`. */
export function inMemoryProvider(temporality = AggregationTemporality.CUMULATIVE) {
  const exporter = new InMemoryMetricExporter(temporality);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({ readers: [reader] });
  return {
    provider,
    exporter,
    reader,
    /** One collection + export; returns what was exported by it (undefined: the reader had no points). */
    async collect(): Promise<ResourceMetrics | undefined> {
      exporter.reset();
      await reader.forceFlush();
      return exporter.getMetrics().at(-1);
    },
  };
}

export interface FlatPoint {
  scope: string;
  scopeVersion: string | undefined;
  name: string;
  unit: string;
  value: number;
  attributes: Record<string, unknown>;
}

/** Every gauge and sum point, flattened. */
export function flatten(rm: ResourceMetrics | undefined): FlatPoint[] {
  if (!rm) return [];
  return rm.scopeMetrics.flatMap((sm) =>
    sm.metrics.flatMap((m) =>
      m.dataPoints.map((dp) => ({
        scope: sm.scope.name,
        scopeVersion: sm.scope.version,
        name: m.descriptor.name,
        unit: m.descriptor.unit,
        value: dp.value as number,
        attributes: dp.attributes,
      })),
    ),
  );
}

/** The value of the one point named `name` whose attributes include `attrs`. */
export function pointValue(points: FlatPoint[], name: string, attrs: Record<string, unknown> = {}) {
  const found = points.filter(
    (p) => p.name === name && Object.entries(attrs).every(([k, v]) => p.attributes[k] === v),
  );
  if (found.length !== 1)
    throw new Error(`${found.length} points for ${name} ${JSON.stringify(attrs)}`);
  return found[0]!.value;
}

/** A diag logger that keeps the messages. */
export function recordingDiag(): DiagLogger & { messages: Array<{ level: string; text: string }> } {
  const messages: Array<{ level: string; text: string }> = [];
  // Component loggers pass their namespace first, then the message.
  const log =
    (level: string) =>
    (...args: unknown[]) => {
      messages.push({ level, text: args.map(String).join(' ') });
    };
  return {
    messages,
    error: log('error'),
    warn: log('warn'),
    info: log('info'),
    debug: log('debug'),
    verbose: log('verbose'),
  };
}

const run = promisify(execFile);
const BIN = new URL('../packages/cli/bin/ecs-task-metrics.js', import.meta.url).pathname;

/** Runs the built `ecs-task-metrics` command; `ECS_CONTAINER_METADATA_URI_V4` only when `env` sets it. */
export async function runCli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const clean = { ...process.env, ...env };
  if (!('ECS_CONTAINER_METADATA_URI_V4' in env)) delete clean.ECS_CONTAINER_METADATA_URI_V4;
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env: clean });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
