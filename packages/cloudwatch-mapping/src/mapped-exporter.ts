import type { ExportResult } from '@opentelemetry/core';
import type {
  AggregationTemporality,
  InstrumentType,
  PushMetricExporter,
  ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { mapResourceMetrics } from './map-resource-metrics.js';
import { CloudWatchMappingState } from './mapping-state.js';
import {
  DEFAULT_NAMESPACE,
  type ResolvedMappingOptions,
  resolveMappingOptions,
} from './options.js';
import { PendingExports } from './pending-exports.js';
import { cloudWatchTemporality } from './temporality.js';
import type { CloudWatchDatum, CloudWatchMappingOptions } from './types.js';

/** Options every exporter built on the mapping takes besides the mapping options. */
export interface MappedExporterOptions extends CloudWatchMappingOptions {
  /** CloudWatch namespace of every metric (must not start with `AWS/`). Default `ECSTaskMetrics`. */
  namespace?: string;
  /** The reader's export interval; under 60 s datums are high resolution unless `highResolution` says otherwise. */
  exportIntervalMillis?: number;
}

/**
 * What both CloudWatch exporters share: the mapping with its per-exporter delta state, DELTA
 * temporality, and the PushMetricExporter contract. A subclass only delivers the datums of one export.
 */
export abstract class CloudWatchMappedExporter implements PushMetricExporter {
  protected readonly namespace: string;
  protected readonly mapping: ResolvedMappingOptions;
  /** Delta state and once-only warnings of this exporter. */
  protected readonly state = new CloudWatchMappingState();
  private readonly pending = new PendingExports();

  /** `overrides` are mapping options the subclass imposes (such as a smaller values limit). */
  protected constructor(options: MappedExporterOptions, overrides: CloudWatchMappingOptions = {}) {
    this.namespace = options.namespace ?? DEFAULT_NAMESPACE;
    const exportIntervalMillis = options.exportIntervalMillis ?? 60_000;
    this.mapping = resolveMappingOptions({
      ...options,
      highResolution: options.highResolution ?? exportIntervalMillis < 60_000,
      ...overrides,
    });
  }

  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    this.pending.run(
      () => this.deliver(mapResourceMetrics(metrics, this.mapping, this.state)),
      resultCallback,
    );
  }

  async forceFlush(): Promise<void> {
    await this.pending.flush();
    await this.afterFlush();
  }

  async shutdown(): Promise<void> {
    await this.pending.shutdown();
    await this.afterShutdown();
  }

  selectAggregationTemporality(instrumentType: InstrumentType): AggregationTemporality {
    return cloudWatchTemporality(instrumentType);
  }

  /** Delivers the datums of one export; the result is that export's. */
  protected abstract deliver(datums: CloudWatchDatum[]): Promise<ExportResult>;

  /** Runs after the exports in flight have finished, on `forceFlush()`. */
  protected async afterFlush(): Promise<void> {}

  /** Runs after the exports in flight have finished, on `shutdown()`. */
  protected async afterShutdown(): Promise<void> {}
}
