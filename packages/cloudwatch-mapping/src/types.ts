/** A CloudWatch standard unit, as accepted by `PutMetricData` and by EMF `Unit`. */
export type CloudWatchUnit =
  | 'Seconds'
  | 'Microseconds'
  | 'Milliseconds'
  | 'Bytes'
  | 'Kilobytes'
  | 'Megabytes'
  | 'Gigabytes'
  | 'Terabytes'
  | 'Bits'
  | 'Kilobits'
  | 'Megabits'
  | 'Gigabits'
  | 'Terabits'
  | 'Percent'
  | 'Count'
  | 'Bytes/Second'
  | 'Kilobytes/Second'
  | 'Megabytes/Second'
  | 'Gigabytes/Second'
  | 'Terabytes/Second'
  | 'Bits/Second'
  | 'Kilobits/Second'
  | 'Megabits/Second'
  | 'Gigabits/Second'
  | 'Terabits/Second'
  | 'Count/Second'
  | 'None';

/** One CloudWatch dimension (name and value already sanitized). */
export interface CloudWatchDimension {
  Name: string;
  Value: string;
}

/** CloudWatch statistic set: the exact aggregate of the samples a datum stands for. */
export interface CloudWatchStatisticSet {
  SampleCount: number;
  Sum: number;
  Minimum: number;
  Maximum: number;
}

/**
 * One CloudWatch metric datum. Structurally the `MetricDatum` of `@aws-sdk/client-cloudwatch`,
 * so the mapping does not depend on the SDK. Exactly one of `Value`, `StatisticValues` or
 * `Values` is the primary value; histograms carry `StatisticValues` together with `Values`/`Counts`
 * (exact count, sum, min and max, plus the bucket distribution for percentiles).
 */
export interface CloudWatchDatum {
  MetricName: string;
  Dimensions: CloudWatchDimension[];
  /** End time of the data point. */
  Timestamp: Date;
  Unit: CloudWatchUnit;
  Value?: number;
  StatisticValues?: CloudWatchStatisticSet;
  Values?: number[];
  Counts?: number[];
  /** 1 for high resolution; omitted means standard (60 s) resolution. */
  StorageResolution?: 1;
}

/**
 * Metric names: `opentelemetry` keeps the OpenTelemetry names (`container.memory.working_set`);
 * `container-insights` renames the task and container metrics of `@ecs-task-metrics/instrumentation`
 * to Container Insights names and units (`MemoryUtilized` in Megabytes, `CpuUtilized` in CPU units...),
 * so existing dashboards keep working. Metrics the preset does not know keep their names.
 */
export type MetricNamePreset = 'opentelemetry' | 'container-insights';

/** Options shared by every exporter that uses this mapping. All are optional. */
export interface CloudWatchMappingOptions {
  /** Naming preset. Default `opentelemetry`. */
  metricNames?: MetricNamePreset;
  /**
   * Resource attributes that become dimensions (renamed CloudWatch-style, e.g.
   * `aws.ecs.cluster.arn` -> `ClusterName`). Default: cluster, task family and service
   * (`aws.ecs.cluster.arn`, `aws.ecs.task.family`, `aws.ecs.service.name`).
   */
  resourceDimensions?: string[];
  /**
   * Also use high-cardinality attributes as dimensions: `container.id` (`ContainerId`) and the task
   * (`aws.ecs.task.arn` -> `TaskId`). Every new task then creates new CloudWatch metrics. Default false.
   */
  highCardinalityDimensions?: boolean;
  /**
   * Extra dimension sets (CloudWatch dimension names) for which every datum is also emitted,
   * like the collector's `awsemf` roll-ups; `[]` is the set without dimensions. A roll-up applies
   * to a datum only when the datum has all of its dimensions. Default: none.
   */
  dimensionRollups?: string[][];
  /** Scale `*.utilization` metrics of unit `1` by 100 and send them as `Percent`. Default false. */
  utilizationAsPercent?: boolean;
  /** Set `StorageResolution: 1` (high resolution) on every datum. Default false. */
  highResolution?: boolean;
  /** Values per datum before a distribution is split into more datums. Default 150 (PutMetricData limit). */
  maxValuesPerDatum?: number;
}
