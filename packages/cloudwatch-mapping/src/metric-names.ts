import type { Attributes } from '@opentelemetry/api';
import type { CloudWatchUnit, MetricNamePreset } from './types.js';

/** How one OpenTelemetry metric (optionally one attribute value of it) is renamed and rescaled. */
export interface MetricNameRule {
  /** CloudWatch metric name. */
  name: string;
  unit: CloudWatchUnit;
  /** Factor applied to every value (bytes -> Megabytes, vCPU -> CPU units, ratio -> percent). */
  scale: number;
  /** Divide a per-interval delta by the interval in seconds (Container Insights network rates). */
  perSecond?: boolean;
  /** The point attribute this rule selects on; it is consumed by the name and not a dimension. */
  attribute?: string;
}

const MIB = 1 / 1024 ** 2;
const GIB = 1 / 1024 ** 3;
// Container Insights reports CPU in CPU units: 1024 units = 1 vCPU.
const CPU_UNITS = 1024;

/** One row of a naming preset: the OpenTelemetry metric (and attribute value) it renames. */
export interface MetricNamePresetRow extends MetricNameRule {
  metric: string;
  attributeValue?: string;
}

const NETWORK = 'network.io.direction';
const DISK = 'disk.io.direction';

// The task and container metrics of @ecs-task-metrics/instrumentation, named and scaled like the
// ECS Container Insights metrics of the same meaning.
const CONTAINER_INSIGHTS: readonly MetricNamePresetRow[] = [
  row('aws.ecs.task.memory.working_set', 'MemoryUtilized', 'Megabytes', MIB),
  row('aws.ecs.task.memory.limit', 'MemoryReserved', 'Megabytes', MIB),
  row('aws.ecs.task.memory.utilization', 'TaskMemoryUtilization', 'Percent', 100),
  row('aws.ecs.task.cpu.usage', 'CpuUtilized', 'None', CPU_UNITS),
  row('aws.ecs.task.cpu.limit', 'CpuReserved', 'None', CPU_UNITS),
  row('aws.ecs.task.cpu.utilization', 'TaskCpuUtilization', 'Percent', 100),
  rate('aws.ecs.task.network.io', NETWORK, 'receive', 'NetworkRxBytes'),
  rate('aws.ecs.task.network.io', NETWORK, 'transmit', 'NetworkTxBytes'),
  row('aws.ecs.task.ephemeral_storage.usage', 'EphemeralStorageUtilized', 'Gigabytes', GIB),
  row('aws.ecs.task.ephemeral_storage.limit', 'EphemeralStorageReserved', 'Gigabytes', GIB),
  row('container.memory.working_set', 'ContainerMemoryUtilized', 'Megabytes', MIB),
  row('container.memory.limit', 'ContainerMemoryReserved', 'Megabytes', MIB),
  row('container.memory.utilization', 'ContainerMemoryUtilization', 'Percent', 100),
  row('container.cpu.usage', 'ContainerCpuUtilized', 'None', CPU_UNITS),
  row('container.cpu.utilization', 'ContainerCpuUtilization', 'Percent', 100),
  rate('container.network.io', NETWORK, 'receive', 'ContainerNetworkRxBytes'),
  rate('container.network.io', NETWORK, 'transmit', 'ContainerNetworkTxBytes'),
  {
    ...row('container.disk.io', 'ContainerStorageReadBytes', 'Bytes', 1),
    attribute: DISK,
    attributeValue: 'read',
  },
  {
    ...row('container.disk.io', 'ContainerStorageWriteBytes', 'Bytes', 1),
    attribute: DISK,
    attributeValue: 'write',
  },
];

function row(
  metric: string,
  name: string,
  unit: CloudWatchUnit,
  scale: number,
): MetricNamePresetRow {
  return { metric, name, unit, scale };
}

function rate(
  metric: string,
  attribute: string,
  attributeValue: string,
  name: string,
): MetricNamePresetRow {
  return {
    metric,
    name,
    unit: 'Bytes/Second',
    scale: 1,
    perSecond: true,
    attribute,
    attributeValue,
  };
}

const ruleKey = (metric: string, attributeValue?: string) =>
  attributeValue === undefined ? metric : `${metric}\u0000${attributeValue}`;

const CONTAINER_INSIGHTS_INDEX = new Map(
  CONTAINER_INSIGHTS.map((r) => [ruleKey(r.metric, r.attributeValue), r]),
);
// Metrics whose rule depends on a point attribute, and which attribute that is.
const SELECTING_ATTRIBUTE = new Map(
  CONTAINER_INSIGHTS.flatMap((r) => (r.attribute ? [[r.metric, r.attribute] as const] : [])),
);

/** The rule of a preset for a metric point, or undefined to keep the OpenTelemetry name. */
export function findMetricNameRule(
  preset: MetricNamePreset,
  metricName: string,
  attributes: Attributes,
): MetricNameRule | undefined {
  if (preset !== 'container-insights') return undefined;
  const attribute = SELECTING_ATTRIBUTE.get(metricName);
  const value = attribute === undefined ? undefined : String(attributes[attribute]);
  return CONTAINER_INSIGHTS_INDEX.get(ruleKey(metricName, value));
}

/** Every row of a preset, for docs and tests. */
export function listMetricNameRules(preset: MetricNamePreset): readonly MetricNamePresetRow[] {
  return preset === 'container-insights' ? CONTAINER_INSIGHTS : [];
}
