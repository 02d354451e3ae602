import { DEFAULT_RESOURCE_DIMENSIONS } from './dimensions.js';
import type { CloudWatchMappingOptions, MetricNamePreset } from './types.js';

/** Namespace of both exporters when none is given (custom namespaces must not start with `AWS/`). */
export const DEFAULT_NAMESPACE = 'ECSTaskMetrics';

/** PutMetricData accepts at most 150 values per datum. */
export const MAX_VALUES_PER_DATUM = 150;

/** Mapping options with every default filled in. */
export interface ResolvedMappingOptions {
  metricNames: MetricNamePreset;
  resourceDimensions: readonly string[];
  highCardinalityDimensions: boolean;
  dimensionRollups: readonly (readonly string[])[];
  utilizationAsPercent: boolean;
  highResolution: boolean;
  maxValuesPerDatum: number;
}

/** Fills in the defaults of the mapping options: the one place they are defined. */
export function resolveMappingOptions(
  options: CloudWatchMappingOptions = {},
): ResolvedMappingOptions {
  const maxValuesPerDatum = options.maxValuesPerDatum ?? MAX_VALUES_PER_DATUM;
  if (!Number.isInteger(maxValuesPerDatum) || maxValuesPerDatum < 1) {
    throw new RangeError(`maxValuesPerDatum must be a positive integer, got ${maxValuesPerDatum}`);
  }
  return {
    metricNames: options.metricNames ?? 'opentelemetry',
    resourceDimensions: options.resourceDimensions ?? DEFAULT_RESOURCE_DIMENSIONS,
    highCardinalityDimensions: options.highCardinalityDimensions ?? false,
    dimensionRollups: options.dimensionRollups ?? [],
    utilizationAsPercent: options.utilizationAsPercent ?? false,
    highResolution: options.highResolution ?? false,
    maxValuesPerDatum,
  };
}
