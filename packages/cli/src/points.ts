import { DataPointType, type ResourceMetrics } from '@opentelemetry/sdk-metrics';

/** One metric point as the CLI prints it. */
export interface MetricPoint {
  name: string;
  unit: string;
  /** `gauge`, `counter` (monotonic sum) or `updowncounter`. */
  type: 'gauge' | 'counter' | 'updowncounter';
  /** Counters carry their cumulative value. */
  value: number;
  attributes: Record<string, string | number | boolean>;
}

/** Flattens collected metrics into points, in a stable order (by name, then attributes). */
export function toPoints(resourceMetrics: ResourceMetrics): MetricPoint[] {
  const points: MetricPoint[] = [];
  for (const scope of resourceMetrics.scopeMetrics) {
    for (const metric of scope.metrics) {
      if (
        metric.dataPointType !== DataPointType.GAUGE &&
        metric.dataPointType !== DataPointType.SUM
      ) {
        continue;
      }
      const type =
        metric.dataPointType === DataPointType.GAUGE
          ? 'gauge'
          : metric.isMonotonic
            ? 'counter'
            : 'updowncounter';
      for (const dp of metric.dataPoints) {
        points.push({
          name: metric.descriptor.name,
          unit: metric.descriptor.unit,
          type,
          value: dp.value as number,
          attributes: { ...(dp.attributes as MetricPoint['attributes']) },
        });
      }
    }
  }
  return points.sort(
    (a, b) =>
      a.name.localeCompare(b.name) ||
      JSON.stringify(a.attributes).localeCompare(JSON.stringify(b.attributes)),
  );
}
