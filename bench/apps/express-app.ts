/*
 * Child process: an idle Express 5 app, alone or with the instrumentation on a MeterProvider with an exporter.
 * Driven by the memory and event-loop suites, one process per variant, with --expose-gc.
 *
 * argv[2]: JSON of AppOptions. Messages sent: {type:'ready'}, {type:'sample', ...} at every checkpoint, {type:'done'}.
 *   mode 'collections': `collections` collections back to back (reader.forceFlush(): collect + export), a
 *     memory sample after a full GC at 0 and every `every` collections;
 *   mode 'interval': a PeriodicExportingMetricReader every `intervalMs` for `seconds`, event-loop delay sampled
 *     every millisecond by perf_hooks.monitorEventLoopDelay, then one 'sample' with the histogram.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setImmediate as tick } from 'node:timers/promises';
import { EcsTaskMetricsInstrumentation } from '@ecs-task-metrics/instrumentation';
import {
  MeterProvider,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
} from '@opentelemetry/sdk-metrics';
import express from 'express';
import { createExporter, type ExporterKind, type ExporterTargets } from './exporters.js';

export interface AppOptions {
  /** `bare`: Express only; `instrumented`: plus MeterProvider, exporter and EcsTaskMetricsInstrumentation. */
  variant: 'bare' | 'instrumented';
  exporter: ExporterKind;
  /** The instrumentation's HTTP client: its default (node:http) or the global fetch. */
  client?: 'default' | 'fetch';
  /** Where the `cloudwatch` and `otlp` exporters send. */
  targets?: ExporterTargets;
  endpoint: string;
  mode: 'collections' | 'interval';
  collections?: number;
  every?: number;
  intervalMs?: number;
  seconds?: number;
}

export interface MemorySample {
  type: 'sample';
  collections: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}

export interface DelaySample {
  type: 'sample';
  collections: number;
  /** Event-loop delay percentiles in µs. */
  p50: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
  count: number;
}

const options = JSON.parse(process.argv[2] ?? '{}') as AppOptions;
// The runner gone (Ctrl-C, a crash): no orphan keeps running.
const exitOnDisconnect = () => process.exit(0);
process.on('disconnect', exitOnDisconnect);
const send = (message: object) => process.send?.(message);
const gc = (globalThis as { gc?: (options?: object) => void }).gc;

const app = express();
app.get('/', (_req, res) => {
  res.send('ok');
});
const server = app.listen(0, '127.0.0.1');
await new Promise<void>((resolve) => server.once('listening', () => resolve()));

let collections = 0;
let exports = 0;
let reader: PeriodicExportingMetricReader | undefined;
let provider: MeterProvider | undefined;
let instrumentation: EcsTaskMetricsInstrumentation | undefined;
if (options.variant === 'instrumented') {
  const inner = createExporter(options.exporter, options.targets ?? {});
  // Counts exports, which is how the interval mode knows how many collections happened.
  const exporter: PushMetricExporter = {
    export(metrics, done) {
      exports++;
      inner.export(metrics, done);
    },
    forceFlush: () => inner.forceFlush(),
    shutdown: () => inner.shutdown(),
    ...(inner.selectAggregationTemporality && {
      selectAggregationTemporality: inner.selectAggregationTemporality.bind(inner),
    }),
    ...(inner.selectAggregation && { selectAggregation: inner.selectAggregation.bind(inner) }),
  };
  reader = new PeriodicExportingMetricReader({
    exporter,
    exportIntervalMillis: options.mode === 'interval' ? options.intervalMs! : 24 * 3_600_000,
  });
  provider = new MeterProvider({ readers: [reader] });
  instrumentation = new EcsTaskMetricsInstrumentation({
    endpoint: options.endpoint,
    enabled: false,
  });
  instrumentation.setMeterProvider(provider);
  instrumentation.enable();
}

function memorySample(): MemorySample {
  // A memory-reducing full GC, as V8 runs under memory pressure: garbage collected and free pages returned to
  // the system, so what remains is what the app holds.
  gc?.({ type: 'major', execution: 'sync', flavor: 'last-resort' });
  const m = process.memoryUsage();
  return {
    type: 'sample',
    collections,
    rss: m.rss,
    heapUsed: m.heapUsed,
    heapTotal: m.heapTotal,
    external: m.external,
    arrayBuffers: m.arrayBuffers,
  };
}

async function collectOnce(): Promise<void> {
  if (reader) {
    await reader.forceFlush();
    const failure = instrumentation?.lastFailure;
    if (failure) throw new Error(`collection failed: ${failure.message}`);
  } else {
    await tick();
  }
  collections++;
}

send({ type: 'ready' });
if (options.mode === 'collections') {
  const total = options.collections ?? 1000;
  const every = options.every ?? 100;
  send(memorySample());
  while (collections < total) {
    await collectOnce();
    if (collections % every === 0) send(memorySample());
  }
} else {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  // Let start-up settle (first /task read, JIT) before sampling.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const exportsBefore = exports;
  histogram.enable();
  await new Promise((resolve) => setTimeout(resolve, options.seconds! * 1000));
  histogram.disable();
  const us = (ns: number) => ns / 1000;
  send({
    type: 'sample',
    collections: exports - exportsBefore,
    p50: us(histogram.percentile(50)),
    p99: us(histogram.percentile(99)),
    p999: us(histogram.percentile(99.9)),
    max: us(histogram.max),
    mean: us(histogram.mean),
    count: histogram.count,
  } satisfies DelaySample);
}
instrumentation?.disable();
await provider?.shutdown();
server.close();
process.off('disconnect', exitOnDisconnect);
// Disconnecting lets the process end on its own once the message is out.
process.send?.({ type: 'done' }, () => process.disconnect?.());
