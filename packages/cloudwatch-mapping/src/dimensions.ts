import type { Attributes, AttributeValue } from '@opentelemetry/api';
import type { CloudWatchDimension } from './types.js';

/** CloudWatch allows at most 30 dimensions per metric. */
export const MAX_DIMENSIONS = 30;
const MAX_NAME_LENGTH = 255;
const MAX_VALUE_LENGTH = 1024;

/** Resource attributes that are dimensions unless `resourceDimensions` says otherwise. */
export const DEFAULT_RESOURCE_DIMENSIONS: readonly string[] = [
  'aws.ecs.cluster.arn',
  'aws.ecs.task.family',
  'aws.ecs.service.name',
];

/** Attributes with one value per task or container: dimensions only with `highCardinalityDimensions`. */
export const HIGH_CARDINALITY_ATTRIBUTES: readonly string[] = [
  'container.id',
  'aws.ecs.task.arn',
  'aws.ecs.task.id',
  'aws.ecs.container.arn',
];

// The last path segment of an ARN: `...:cluster/prod` -> `prod`, `...:task/prod/abc` -> `abc`.
const arnResourceName = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);

interface DimensionRename {
  name: string;
  value?: (value: string) => string;
}

// OpenTelemetry attribute -> CloudWatch-style dimension (the names Container Insights uses).
// Attributes not listed keep their key as the dimension name.
const DIMENSION_RENAMES: Readonly<Record<string, DimensionRename>> = {
  'container.name': { name: 'ContainerName' },
  'container.id': { name: 'ContainerId' },
  'aws.ecs.cluster.arn': { name: 'ClusterName', value: arnResourceName },
  'aws.ecs.task.family': { name: 'TaskDefinitionFamily' },
  'aws.ecs.task.revision': { name: 'TaskDefinitionRevision' },
  'aws.ecs.service.name': { name: 'ServiceName' },
  'aws.ecs.task.arn': { name: 'TaskId', value: arnResourceName },
  'aws.ecs.task.id': { name: 'TaskId' },
  'aws.ecs.container.arn': { name: 'ContainerArn' },
  'aws.ecs.launchtype': { name: 'LaunchType' },
  'cloud.availability_zone': { name: 'AvailabilityZone' },
  'cloud.region': { name: 'Region' },
  'cloud.account.id': { name: 'AccountId' },
};

/** The CloudWatch dimension name for an OpenTelemetry attribute key. */
export function dimensionName(attributeKey: string): string {
  return DIMENSION_RENAMES[attributeKey]?.name ?? attributeKey;
}

// CloudWatch accepts ASCII only; other characters become '_' rather than failing the whole request.
function toAscii(text: string, maxLength: number): string {
  return text.replace(/[^\x20-\x7e]/g, '_').slice(0, maxLength);
}

function stringify(value: AttributeValue): string {
  return Array.isArray(value) ? JSON.stringify(value) : String(value);
}

/**
 * One dimension from an attribute: renamed, ASCII, length-limited; undefined when the value is
 * empty or blank (CloudWatch rejects those).
 */
export function toDimension(
  key: string,
  value: AttributeValue | undefined,
): CloudWatchDimension | undefined {
  if (value === undefined || value === null) return undefined;
  const rename = DIMENSION_RENAMES[key];
  const raw = stringify(value);
  const dimensionValue = toAscii(rename?.value ? rename.value(raw) : raw, MAX_VALUE_LENGTH);
  const name = toAscii(rename?.name ?? key, MAX_NAME_LENGTH).replace(/^:/, '_');
  if (dimensionValue.trim() === '' || name.trim() === '') return undefined;
  return { Name: name, Value: dimensionValue };
}

/** Dimensions from attributes, skipping `exclude` (high-cardinality or consumed by a name rule). */
export function attributeDimensions(
  attributes: Attributes,
  keys: Iterable<string>,
  exclude: ReadonlySet<string>,
): CloudWatchDimension[] {
  const dimensions: CloudWatchDimension[] = [];
  for (const key of keys) {
    if (exclude.has(key)) continue;
    const dimension = toDimension(key, attributes[key]);
    if (dimension) dimensions.push(dimension);
  }
  return dimensions;
}

/**
 * The full dimension set (resource dimensions overridden by point dimensions of the same name,
 * sorted by name, at most 30) followed by the roll-up sets that apply. `truncated` tells the
 * caller that dimensions were dropped to fit the limit.
 */
export function dimensionSets(
  resource: readonly CloudWatchDimension[],
  point: readonly CloudWatchDimension[],
  rollups: readonly (readonly string[])[],
): { sets: CloudWatchDimension[][]; truncated: boolean } {
  const byName = new Map<string, CloudWatchDimension>();
  for (const d of resource) byName.set(d.Name, d);
  for (const d of point) byName.set(d.Name, d);
  const all = [...byName.values()].sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0));
  const full = all.slice(0, MAX_DIMENSIONS);
  const sets = [full];
  const seen = new Set([setKey(full)]);
  for (const rollup of rollups) {
    if (!rollup.every((name) => full.some((d) => d.Name === name))) continue;
    const set = full.filter((d) => rollup.includes(d.Name));
    const key = setKey(set);
    if (seen.has(key)) continue;
    seen.add(key);
    sets.push(set);
  }
  return { sets, truncated: all.length > full.length };
}

function setKey(set: readonly CloudWatchDimension[]): string {
  return JSON.stringify(set.map((d) => [d.Name, d.Value]));
}
