/*
 * The one place where options meet the environment and the defaults: code option, else environment variable,
 * else default. A malformed variable is reported through `diag` and ignored (OpenTelemetry's convention: the
 * environment never makes an app fail to start); a malformed code option throws.
 */

import { DEFAULT_NAMESPACE, type MetricNamePreset } from '@ecs-task-metrics/cloudwatch-mapping';
import type { EcsTaskMetricsInstrumentationConfig } from '@ecs-task-metrics/instrumentation';
import { diag } from '@opentelemetry/api';
import type { AddEcsTaskMetricsOptions, EcsTaskMetricsOptions, ExporterName } from './types.js';

export const ENV = {
  exporter: 'ECS_TASK_METRICS_EXPORTER',
  exportIntervalMillis: 'OTEL_METRIC_EXPORT_INTERVAL',
  exportTimeoutMillis: 'OTEL_METRIC_EXPORT_TIMEOUT',
  namespace: 'ECS_TASK_METRICS_NAMESPACE',
  metricNames: 'ECS_TASK_METRICS_METRIC_NAMES',
  shutdownSignals: 'ECS_TASK_METRICS_SHUTDOWN_SIGNALS',
  shutdownTimeoutMillis: 'ECS_TASK_METRICS_SHUTDOWN_TIMEOUT',
  // The instrumentation's `flushTimeoutMs`: how long shutdown waits for the agent's next sample.
  flushTimeoutMs: 'ECS_TASK_METRICS_FLUSH_TIMEOUT',
  // Read by the OTLP exporter of @ecs-task-metrics/exporter-otlp; listed so the README table names it.
  otlpTemporality: 'OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE',
} as const;

export const DEFAULTS = {
  exporter: 'otlp',
  exportIntervalMillis: 60_000,
  exportTimeoutMillis: 30_000,
  namespace: DEFAULT_NAMESPACE,
  metricNames: 'opentelemetry',
  shutdownSignals: ['SIGTERM', 'SIGINT'],
  shutdownTimeoutMillis: 10_000,
} as const satisfies Partial<Record<keyof EcsTaskMetricsOptions, unknown>>;

export const EXPORTER_NAMES: readonly ExporterName[] = [
  'otlp',
  'cloudwatch',
  'emf',
  'console',
  'none',
];
const METRIC_NAME_PRESETS: readonly MetricNamePreset[] = ['opentelemetry', 'container-insights'];

export type InstrumentationOptions = Omit<EcsTaskMetricsInstrumentationConfig, 'enabled'>;

/** The shutdown part of the options, with every default applied. */
export interface ResolvedShutdown {
  shutdownSignals: NodeJS.Signals[];
  shutdownTimeoutMillis: number;
}

/** Options of `startEcsTaskMetrics` with every default applied. */
export interface ResolvedOptions extends ResolvedShutdown {
  instrumentation: InstrumentationOptions;
  exporter: EcsTaskMetricsOptions['exporter'] & {};
  exportIntervalMillis: number;
  exportTimeoutMillis: number;
  namespace: string;
  metricNames: MetricNamePreset;
}

function fromEnv<T>(
  env: NodeJS.ProcessEnv,
  name: string,
  parse: (text: string) => T | undefined,
  expected: string,
): T | undefined {
  const text = env[name]?.trim();
  if (!text) return undefined;
  const value = parse(text);
  if (value === undefined) diag.warn(`${name}="${text}" is not ${expected}; using the default`);
  return value;
}

function positiveInteger(text: string): number | undefined {
  const n = Number(text);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

function oneOf<T extends string>(values: readonly T[]) {
  return (text: string): T | undefined => {
    const lower = text.toLowerCase();
    return values.find((v) => v === lower);
  };
}

function signalList(text: string): NodeJS.Signals[] | undefined {
  if (text.toLowerCase() === 'none') return [];
  const names = text.split(',').map((s) => s.trim().toUpperCase());
  return names.every((n) => /^SIG[A-Z0-9]+$/.test(n)) ? (names as NodeJS.Signals[]) : undefined;
}

function checkPositive(name: string, value: number | undefined): number | undefined {
  if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
    throw new RangeError(`${name} must be a positive number of milliseconds, got ${value}`);
  }
  return value;
}

function checkOneOf<T extends string>(name: string, values: readonly T[], value: T | undefined) {
  if (value !== undefined && !values.includes(value)) {
    throw new RangeError(`${name} must be one of ${values.join(', ')}, got "${value}"`);
  }
  return value;
}

/** The instrumentation's options, with what the environment sets (its own defaults stay its own). */
export function resolveInstrumentation(
  config: InstrumentationOptions | undefined,
  env: NodeJS.ProcessEnv,
): InstrumentationOptions {
  const flushTimeoutMs =
    config?.flushTimeoutMs ??
    fromEnv(env, ENV.flushTimeoutMs, positiveInteger, 'a positive integer');
  return flushTimeoutMs === undefined ? { ...config } : { ...config, flushTimeoutMs };
}

/** The shutdown options of both entry points. */
export function resolveShutdown(
  options: Pick<AddEcsTaskMetricsOptions, 'shutdownSignals' | 'shutdownTimeoutMillis'>,
  env: NodeJS.ProcessEnv,
): ResolvedShutdown {
  return {
    shutdownSignals: [
      ...(options.shutdownSignals ??
        fromEnv(env, ENV.shutdownSignals, signalList, 'a list of signal names or "none"') ??
        DEFAULTS.shutdownSignals),
    ],
    shutdownTimeoutMillis:
      checkPositive('shutdownTimeoutMillis', options.shutdownTimeoutMillis) ??
      fromEnv(env, ENV.shutdownTimeoutMillis, positiveInteger, 'a positive integer') ??
      DEFAULTS.shutdownTimeoutMillis,
  };
}

/** Applies environment and defaults to the options of `startEcsTaskMetrics`. */
export function resolveOptions(options: EcsTaskMetricsOptions = {}): ResolvedOptions {
  const env = options.env ?? process.env;
  const exporter =
    typeof options.exporter === 'object'
      ? options.exporter
      : (checkOneOf('exporter', EXPORTER_NAMES, options.exporter) ??
        fromEnv(env, ENV.exporter, oneOf(EXPORTER_NAMES), `one of ${EXPORTER_NAMES.join(', ')}`) ??
        DEFAULTS.exporter);
  const exportIntervalMillis =
    checkPositive('exportIntervalMillis', options.exportIntervalMillis) ??
    fromEnv(env, ENV.exportIntervalMillis, positiveInteger, 'a positive integer') ??
    DEFAULTS.exportIntervalMillis;
  const timeout =
    checkPositive('exportTimeoutMillis', options.exportTimeoutMillis) ??
    fromEnv(env, ENV.exportTimeoutMillis, positiveInteger, 'a positive integer');
  // The reader refuses a timeout longer than the interval; a default timeout simply shrinks to fit.
  if (timeout !== undefined && timeout > exportIntervalMillis) {
    diag.warn(
      `export timeout ${timeout} ms is longer than the interval ${exportIntervalMillis} ms; using the interval`,
    );
  }
  return {
    exporter,
    exportIntervalMillis,
    exportTimeoutMillis: Math.min(timeout ?? DEFAULTS.exportTimeoutMillis, exportIntervalMillis),
    namespace: options.namespace || env[ENV.namespace]?.trim() || DEFAULTS.namespace,
    metricNames:
      checkOneOf('metricNames', METRIC_NAME_PRESETS, options.metricNames) ??
      fromEnv(
        env,
        ENV.metricNames,
        oneOf(METRIC_NAME_PRESETS),
        `one of ${METRIC_NAME_PRESETS.join(', ')}`,
      ) ??
      DEFAULTS.metricNames,
    ...resolveShutdown(options, env),
    instrumentation: resolveInstrumentation(options.instrumentation, env),
  };
}
