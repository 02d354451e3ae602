import {
  EcsTaskMetricsInstrumentation,
  type TaskSnapshot,
  type TmdsTaskMetadata,
} from '@ecs-task-metrics/instrumentation';
import {
  AggregationTemporality,
  MeterProvider,
  MetricReader,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { CliError } from './errors.js';

/** A reader that collects only when asked: one `collect()` is one collection. */
class OnDemandReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

export interface CollectOptions {
  endpoint?: string;
  timeoutMs?: number;
  /** Temporality the reader asks for; the exporters want DELTA, printing wants CUMULATIVE. */
  temporality?: AggregationTemporality;
}

export interface Collection {
  resourceMetrics: ResourceMetrics;
  task: TmdsTaskMetadata | undefined;
}

/** Repeated collections through one MeterProvider (peaks observed between collections accumulate). */
export interface CollectionSession {
  /** One collection; throws a CliError naming the cause when the endpoint could not be read. */
  collect(): Promise<Collection>;
  close(): Promise<void>;
}

/** Opens a MeterProvider with the instrumentation on it; throws a CliError when there is no endpoint. */
export async function openCollection(options: CollectOptions = {}): Promise<CollectionSession> {
  const temporality = options.temporality ?? AggregationTemporality.CUMULATIVE;
  const reader = new OnDemandReader({ aggregationTemporalitySelector: () => temporality });
  const provider = new MeterProvider({ readers: [reader] });
  const instrumentation = new EcsTaskMetricsInstrumentation({
    enabled: false,
    endpoint: options.endpoint,
    timeoutMs: options.timeoutMs,
  });
  const close = async () => {
    instrumentation.disable();
    await provider.shutdown();
  };
  instrumentation.setMeterProvider(provider);
  instrumentation.enable();
  if (instrumentation.lastFailure?.kind === 'no-endpoint') {
    await close();
    throw new CliError('no endpoint: pass --endpoint URL or set ECS_CONTAINER_METADATA_URI_V4');
  }
  return {
    close,
    async collect() {
      const { resourceMetrics } = await reader.collect();
      if (instrumentation.lastFailure) throw new CliError(instrumentation.lastFailure.message);
      return { resourceMetrics, task: instrumentation.taskMetadata };
    },
  };
}

/**
 * One collection through a real MeterProvider: exactly the points an app would export.
 * Throws a CliError naming the cause when the endpoint could not be read.
 */
export async function collectOnce(options: CollectOptions = {}): Promise<Collection> {
  const session = await openCollection(options);
  try {
    return await session.collect();
  } finally {
    await session.close();
  }
}

export type { TaskSnapshot };
