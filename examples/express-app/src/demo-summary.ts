/*
 * Local demo only: EMF lines are what CloudWatch wants, not what a person reads. This exporter passes every export
 * on unchanged and prints one line about it for the terminal, from the very points being exported (no second
 * collection).
 */
import type { ExportResult } from '@opentelemetry/core';
import type { PushMetricExporter, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { mib, percent, vcpu } from './page.js';

interface Point {
  name: string;
  value: number;
  container?: string;
}

function points(resourceMetrics: ResourceMetrics): Point[] {
  return resourceMetrics.scopeMetrics.flatMap((scope) =>
    scope.metrics.flatMap((metric) =>
      metric.dataPoints.flatMap((dp) =>
        typeof dp.value === 'number'
          ? [
              {
                name: metric.descriptor.name,
                value: dp.value,
                container: dp.attributes['container.name'] as string | undefined,
              },
            ]
          : [],
      ),
    ),
  );
}

/** One line about an export: the task's memory and CPU, and each container's working set. */
export function summarize(resourceMetrics: ResourceMetrics): string | undefined {
  const all = points(resourceMetrics);
  const task = (name: string) => all.find((p) => p.name === `aws.ecs.task.${name}`)?.value;
  const workingSet = task('memory.working_set');
  if (workingSet === undefined) return undefined;
  const containers = all
    .filter((p) => p.name === 'container.memory.working_set' && p.container)
    .map((p) => `${p.container} ${mib(p.value)}`);
  return [
    `task memory ${mib(workingSet)} of ${mib(task('memory.limit'))} (${percent(task('memory.utilization'))})`,
    `CPU ${vcpu(task('cpu.usage'))}`,
    ...containers,
  ].join(' · ');
}

export class SummarizingExporter implements PushMetricExporter {
  // The inner exporter's choices (DELTA for EMF), or none, exactly as it makes them.
  readonly selectAggregationTemporality: PushMetricExporter['selectAggregationTemporality'];
  readonly selectAggregation: PushMetricExporter['selectAggregation'];

  constructor(
    private readonly _inner: PushMetricExporter,
    private readonly _write: (line: string) => void,
  ) {
    this.selectAggregationTemporality = _inner.selectAggregationTemporality?.bind(_inner);
    this.selectAggregation = _inner.selectAggregation?.bind(_inner);
  }

  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    try {
      const line = summarize(metrics);
      if (line) this._write(`── exported: ${line}\n`);
    } catch {
      // A summary is a courtesy; the export goes on regardless.
    }
    this._inner.export(metrics, resultCallback);
  }

  forceFlush(): Promise<void> {
    return this._inner.forceFlush();
  }

  shutdown(): Promise<void> {
    return this._inner.shutdown();
  }
}
