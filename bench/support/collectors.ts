/*
 * The two things the collection benchmark compares, each on its own real MeterProvider with a reader that
 * collects when asked:
 * - the instrumentation: EcsTaskMetricsInstrumentation reading the endpoint (GET /task/stats, parse, formulas,
 *   snapshot, observe) inside the SDK's collection;
 * - the floor: one batch callback over the same instruments (names, kinds, units) that does a bare keep-alive
 *   GET of the same payload plus JSON.parse, then observes precomputed values with the same attribute sets.
 * The difference between them is what our code adds to the unavoidable cost (HTTP, JSON, the SDK per point).
 */
import http from 'node:http';
import { text } from 'node:stream/consumers';
import { EcsTaskMetricsInstrumentation } from '@ecs-task-metrics/instrumentation';
import type {
  Attributes,
  Meter,
  MeterProvider as MeterProviderApi,
  MetricOptions,
  Observable,
} from '@opentelemetry/api';
import {
  AggregationTemporality,
  MeterProvider,
  MetricReader,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';

/** A reader that collects only when asked: one `collect()` is one collection. */
export class OnDemandReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

export interface BenchCollector {
  collect(): Promise<ResourceMetrics>;
  shutdown(): Promise<void>;
}

/** The exporters' temporality: counters as deltas. */
export const TEMPORALITY = AggregationTemporality.DELTA;

function onDemandProvider() {
  const reader = new OnDemandReader({ aggregationTemporalitySelector: () => TEMPORALITY });
  const provider = new MeterProvider({ readers: [reader] });
  return {
    reader,
    provider,
    async collect(): Promise<ResourceMetrics> {
      const { resourceMetrics, errors } = await reader.collect();
      if (errors.length > 0) throw errors[0];
      return resourceMetrics;
    },
  };
}

/** An instrument as the instrumentation created it: the Meter method, its name and options. */
export interface CreatedInstrument {
  method: string;
  name: string;
  options: MetricOptions | undefined;
}

/**
 * A MeterProvider that hands out its meters' instruments as usual and notes every one created, so the floor
 * can have the same instruments, those that report nothing this collection included (the SDK visits them all).
 */
function recordingProvider(
  provider: MeterProvider,
  created: CreatedInstrument[],
): MeterProviderApi {
  return {
    getMeter(name, version, options) {
      const meter = provider.getMeter(name, version, options);
      return new Proxy(meter, {
        get(target, prop, receiver) {
          const value = Reflect.get(target, prop, receiver);
          if (typeof value !== 'function') return value;
          if (typeof prop === 'string' && prop.startsWith('create')) {
            return (instrumentName: string, instrumentOptions?: MetricOptions) => {
              if (!created.some((c) => c.method === prop && c.name === instrumentName)) {
                created.push({ method: prop, name: instrumentName, options: instrumentOptions });
              }
              return value.call(target, instrumentName, instrumentOptions);
            };
          }
          return value.bind(target);
        },
      });
    },
  };
}

export interface InstrumentationCollector extends BenchCollector {
  /** Every instrument the instrumentation created. */
  instruments: CreatedInstrument[];
}

/** The real instrumentation on a real MeterProvider. */
export function instrumentationCollector(endpoint: string): InstrumentationCollector {
  const { provider, collect } = onDemandProvider();
  const instruments: CreatedInstrument[] = [];
  const instrumentation = new EcsTaskMetricsInstrumentation({ endpoint, enabled: false });
  instrumentation.setMeterProvider(recordingProvider(provider, instruments));
  instrumentation.enable();
  return {
    instruments,
    async collect() {
      const rm = await collect();
      const failure = instrumentation.lastFailure;
      if (failure) throw new Error(`collection failed: ${failure.message}`);
      return rm;
    },
    async shutdown() {
      instrumentation.disable();
      await provider.shutdown();
    },
  };
}

/** The number of points in a collection. */
export function pointCount(rm: ResourceMetrics): number {
  let n = 0;
  for (const sm of rm.scopeMetrics) for (const m of sm.metrics) n += m.dataPoints.length;
  return n;
}

const floorAgent = new http.Agent({ keepAlive: true });

/** The bare keep-alive GET of the payload (node:http, as the instrumentation's default) plus JSON.parse. */
export function getAndParse(url: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: floorAgent }, (response) => {
        text(response).then((body) => resolve(JSON.parse(body)), reject);
      })
      .on('error', reject);
  });
}

/** The same with the global fetch (undici), for comparison. */
export async function fetchAndParse(url: string): Promise<unknown> {
  const response = await fetch(url);
  return JSON.parse(await response.text());
}

/**
 * The floor: the instrumentation's instruments (same methods, names and options) and the points of `template`
 * (one of its steady-state collections), observed from constants after a bare GET + JSON.parse of
 * `${endpoint}/task/stats`.
 */
export function floorCollector(
  endpoint: string,
  instruments: CreatedInstrument[],
  template: ResourceMetrics,
): BenchCollector {
  const { provider, collect } = onDemandProvider();
  const meter = provider.getMeter('bench-floor') as unknown as Record<
    string,
    (name: string, options?: MetricOptions) => unknown
  >;
  const byName = new Map<string, Observable>();
  for (const i of instruments) {
    const instrument = meter[i.method]!(i.name, i.options);
    if (i.method.startsWith('createObservable')) byName.set(i.name, instrument as Observable);
  }
  const constants: Array<[Observable, number, Attributes]> = [];
  for (const sm of template.scopeMetrics) {
    for (const m of sm.metrics) {
      const instrument = byName.get(m.descriptor.name);
      if (!instrument) throw new Error(`no observable instrument named ${m.descriptor.name}`);
      for (const dp of m.dataPoints) {
        constants.push([instrument, dp.value as number, { ...dp.attributes }]);
      }
    }
  }
  const url = `${endpoint}/task/stats`;
  (meter as unknown as Meter).addBatchObservableCallback(
    async (result) => {
      await getAndParse(url);
      for (const [instrument, value, attributes] of constants) {
        result.observe(instrument, value, attributes);
      }
    },
    [...byName.values()],
  );
  return { collect, shutdown: () => provider.shutdown() };
}

/** Metric count of a collection (instruments that reported). */
export function metricCount(rm: ResourceMetrics): number {
  return rm.scopeMetrics.reduce((n, sm) => n + sm.metrics.length, 0);
}
