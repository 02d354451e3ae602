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
import type { Attributes, Observable } from '@opentelemetry/api';
import {
  AggregationTemporality,
  DataPointType,
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

/** The real instrumentation on a real MeterProvider. */
export function instrumentationCollector(endpoint: string): BenchCollector {
  const { provider, collect } = onDemandProvider();
  const instrumentation = new EcsTaskMetricsInstrumentation({ endpoint, enabled: false });
  instrumentation.setMeterProvider(provider);
  instrumentation.enable();
  return {
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
 * The floor: the same instruments and points as `template` (a collection of the instrumentation), observed
 * from constants after a bare GET + JSON.parse of `${endpoint}/task/stats`.
 */
export function floorCollector(endpoint: string, template: ResourceMetrics): BenchCollector {
  const { provider, collect } = onDemandProvider();
  const meter = provider.getMeter('bench-floor');
  const instruments: Observable[] = [];
  const constants: Array<[Observable, number, Attributes]> = [];
  for (const sm of template.scopeMetrics) {
    for (const m of sm.metrics) {
      const options = { unit: m.descriptor.unit, description: m.descriptor.description };
      let instrument: Observable;
      if (m.dataPointType === DataPointType.GAUGE) {
        instrument = meter.createObservableGauge(m.descriptor.name, options);
      } else if (m.dataPointType === DataPointType.SUM && m.isMonotonic) {
        instrument = meter.createObservableCounter(m.descriptor.name, options);
      } else {
        throw new Error(`unexpected metric kind for ${m.descriptor.name}`);
      }
      instruments.push(instrument);
      for (const dp of m.dataPoints) {
        constants.push([instrument, dp.value as number, { ...dp.attributes }]);
      }
    }
  }
  const url = `${endpoint}/task/stats`;
  meter.addBatchObservableCallback(async (result) => {
    await getAndParse(url);
    for (const [instrument, value, attributes] of constants) {
      result.observe(instrument, value, attributes);
    }
  }, instruments);
  return { collect, shutdown: () => provider.shutdown() };
}

/** Metric count of a collection (instruments that reported). */
export function metricCount(rm: ResourceMetrics): number {
  return rm.scopeMetrics.reduce((n, sm) => n + sm.metrics.length, 0);
}
