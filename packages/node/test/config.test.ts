import { DiagLogLevel, diag } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { recordingDiag } from '../../../test/helpers.js';
import { DEFAULTS, ENV, resolveInstrumentation, resolveOptions } from '../src/config.js';

afterEach(() => diag.disable());

describe('resolveOptions', () => {
  it('takes the defaults from the one table when neither code nor environment says anything', () => {
    const r = resolveOptions({ env: {} });
    expect(r).toMatchObject({
      exporter: DEFAULTS.exporter,
      exportIntervalMillis: DEFAULTS.exportIntervalMillis,
      exportTimeoutMillis: DEFAULTS.exportTimeoutMillis,
      namespace: DEFAULTS.namespace,
      metricNames: DEFAULTS.metricNames,
      shutdownSignals: [...DEFAULTS.shutdownSignals],
      shutdownTimeoutMillis: DEFAULTS.shutdownTimeoutMillis,
    });
  });

  it('reads every option from its environment variable', () => {
    const env = {
      [ENV.exporter]: 'CloudWatch',
      [ENV.exportIntervalMillis]: '15000',
      [ENV.exportTimeoutMillis]: '5000',
      [ENV.namespace]: 'MyService',
      [ENV.metricNames]: 'container-insights',
      [ENV.shutdownSignals]: 'sigterm, SIGHUP',
      [ENV.shutdownTimeoutMillis]: '2500',
    };
    expect(resolveOptions({ env })).toMatchObject({
      exporter: 'cloudwatch',
      exportIntervalMillis: 15000,
      exportTimeoutMillis: 5000,
      namespace: 'MyService',
      metricNames: 'container-insights',
      shutdownSignals: ['SIGTERM', 'SIGHUP'],
      shutdownTimeoutMillis: 2500,
    });
    expect(resolveOptions({ env: { [ENV.shutdownSignals]: 'none' } }).shutdownSignals).toEqual([]);
  });

  it('lets a code option win over its environment variable', () => {
    const env = {
      [ENV.exporter]: 'emf',
      [ENV.exportIntervalMillis]: '15000',
      [ENV.namespace]: 'Env',
    };
    const r = resolveOptions({
      env,
      exporter: 'console',
      exportIntervalMillis: 7000,
      namespace: 'Code',
    });
    expect(r).toMatchObject({ exporter: 'console', exportIntervalMillis: 7000, namespace: 'Code' });
  });

  it('ignores a malformed variable with a diagnostic naming it, and keeps the default', () => {
    const logger = recordingDiag();
    diag.setLogger(logger, DiagLogLevel.WARN);
    const env = { [ENV.exporter]: 'prometheus', [ENV.exportIntervalMillis]: '-5' };
    const r = resolveOptions({ env });
    expect(r.exporter).toBe(DEFAULTS.exporter);
    expect(r.exportIntervalMillis).toBe(DEFAULTS.exportIntervalMillis);
    const text = logger.messages.map((m) => m.text).join('\n');
    expect(text).toContain(`${ENV.exporter}="prometheus"`);
    expect(text).toContain(`${ENV.exportIntervalMillis}="-5"`);
  });

  it('throws on a malformed code option', () => {
    expect(() => resolveOptions({ env: {}, exporter: 'prometheus' as never })).toThrow(/exporter/);
    expect(() => resolveOptions({ env: {}, exportIntervalMillis: 0 })).toThrow(
      /exportIntervalMillis/,
    );
  });

  it('never lets the export timeout exceed the interval (the reader would refuse it)', () => {
    const interval = 5000;
    expect(resolveOptions({ env: {}, exportIntervalMillis: interval }).exportTimeoutMillis).toBe(
      Math.min(DEFAULTS.exportTimeoutMillis, interval),
    );
    const env = { [ENV.exportIntervalMillis]: String(interval), [ENV.exportTimeoutMillis]: '9000' };
    expect(resolveOptions({ env }).exportTimeoutMillis).toBe(interval);
  });

  it('keeps an exporter instance as given', () => {
    const exporter = {
      export: () => {},
      forceFlush: async () => {},
      shutdown: async () => {},
    };
    expect(resolveOptions({ env: { [ENV.exporter]: 'emf' }, exporter }).exporter).toBe(exporter);
  });

  it("passes ECS_TASK_METRICS_FLUSH_TIMEOUT to the instrumentation's flushTimeoutMs, below a code option", () => {
    const env = { [ENV.flushTimeoutMs]: '3000' };
    expect(resolveOptions({ env }).instrumentation).toEqual({ flushTimeoutMs: 3000 });
    expect(resolveInstrumentation({ timeoutMs: 500, flushTimeoutMs: 100 }, env)).toEqual({
      timeoutMs: 500,
      flushTimeoutMs: 100,
    });
    // Unset: the instrumentation keeps its own default.
    expect(resolveInstrumentation(undefined, {})).toEqual({});
  });
});
