export {
  attributeDimensions,
  DEFAULT_RESOURCE_DIMENSIONS,
  dimensionName,
  dimensionSets,
  HIGH_CARDINALITY_ATTRIBUTES,
  MAX_DIMENSIONS,
  toDimension,
} from './dimensions.js';
export {
  type Distribution,
  type DistributionPart,
  exponentialBuckets,
  fromExplicitHistogram,
  fromExponentialBuckets,
  representativeValue,
  splitDistribution,
} from './distribution.js';
export { mapResourceMetrics } from './map-resource-metrics.js';
export { CloudWatchMappedExporter, type MappedExporterOptions } from './mapped-exporter.js';
export { CloudWatchMappingState } from './mapping-state.js';
export {
  findMetricNameRule,
  listMetricNameRules,
  type MetricNamePresetRow,
  type MetricNameRule,
} from './metric-names.js';
export {
  DEFAULT_NAMESPACE,
  MAX_VALUES_PER_DATUM,
  type ResolvedMappingOptions,
  resolveMappingOptions,
} from './options.js';
export { cloudWatchTemporality } from './temporality.js';
export type {
  CloudWatchDatum,
  CloudWatchDimension,
  CloudWatchMappingOptions,
  CloudWatchStatisticSet,
  CloudWatchUnit,
  MetricNamePreset,
} from './types.js';
export { isUtilization, toCloudWatchUnit } from './units.js';
export { CLOUDWATCH_MAX_MAGNITUDE, CLOUDWATCH_MIN_MAGNITUDE, clampToCloudWatch } from './values.js';
