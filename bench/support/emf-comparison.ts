/*
 * The same metrics serialized by aws-embedded-metrics, AWS's EMF library: one MetricsContext per timestamp and
 * dimension set (the grouping of our EMF exporter), serialized by its LogSerializer. Only the serializer is
 * used: createMetricsLogger() would detect the environment, which probes instance metadata.
 */
import type { CloudWatchDatum } from '@ecs-task-metrics/cloudwatch-mapping';
import { MetricsContext } from 'aws-embedded-metrics/lib/logger/MetricsContext.js';
import { LogSerializer } from 'aws-embedded-metrics/lib/serializers/LogSerializer.js';

export interface DatumGroup {
  timestamp: number;
  dimensions: Record<string, string>;
  metrics: Array<{ name: string; unit: string; value: number }>;
}

/** Single-value datums grouped by timestamp and dimension set (aws-embedded-metrics has no distributions). */
export function groupScalarDatums(datums: readonly CloudWatchDatum[]): DatumGroup[] {
  const groups = new Map<string, DatumGroup>();
  for (const d of datums) {
    if (d.Value === undefined) continue;
    const timestamp = d.Timestamp.getTime();
    const key = JSON.stringify([timestamp, d.Dimensions]);
    let group = groups.get(key);
    if (!group) {
      const dimensions = Object.fromEntries(d.Dimensions.map((x) => [x.Name, x.Value]));
      group = { timestamp, dimensions, metrics: [] };
      groups.set(key, group);
    }
    group.metrics.push({ name: d.MetricName, unit: d.Unit, value: d.Value });
  }
  return [...groups.values()];
}

const serializer = new LogSerializer();

/** EMF lines for `groups`, written by aws-embedded-metrics. */
export function serializeWithAwsEmbeddedMetrics(groups: DatumGroup[], namespace: string): string[] {
  const lines: string[] = [];
  for (const group of groups) {
    const context = MetricsContext.empty();
    context.setNamespace(namespace);
    context.setDimensions([group.dimensions], false);
    context.setTimestamp(group.timestamp);
    for (const m of group.metrics) context.putMetric(m.name, m.value, m.unit);
    for (const line of serializer.serialize(context)) lines.push(line);
  }
  return lines;
}
