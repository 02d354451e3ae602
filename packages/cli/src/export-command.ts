import type { Writable } from 'node:stream';
import { CloudWatchMetricExporter } from '@ecs-task-metrics/exporter-cloudwatch';
import { EmfMetricExporter } from '@ecs-task-metrics/exporter-emf';
import type { TmdsTaskMetadata } from '@ecs-task-metrics/instrumentation';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  type PushMetricExporter,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { collectOnce } from './collect-once.js';
import { CliError } from './errors.js';

export type ExporterName = 'cloudwatch' | 'emf';

export interface ExportOptions {
  endpoint?: string;
  timeoutMs?: number;
  exporter: ExporterName;
  namespace?: string;
}

/**
 * The resource attributes an app gets from the ECS resource detector, from the `/task` document
 * the collection already read (the CLI has no resource detector of its own).
 */
function withTaskResource(
  rm: ResourceMetrics,
  task: TmdsTaskMetadata | undefined,
): ResourceMetrics {
  if (!task) return rm;
  const attributes: Record<string, string> = {};
  if (task.Cluster) attributes['aws.ecs.cluster.arn'] = task.Cluster;
  if (task.TaskARN) attributes['aws.ecs.task.arn'] = task.TaskARN;
  if (task.Family) attributes['aws.ecs.task.family'] = task.Family;
  if (task.Revision) attributes['aws.ecs.task.revision'] = task.Revision;
  return { ...rm, resource: rm.resource.merge(resourceFromAttributes(attributes)) };
}

function createExporter(options: ExportOptions, out: Writable): PushMetricExporter {
  if (options.exporter === 'cloudwatch') {
    return new CloudWatchMetricExporter({ namespace: options.namespace });
  }
  return new EmfMetricExporter({ namespace: options.namespace, stream: out });
}

/**
 * `ecs-task-metrics snapshot --exporter cloudwatch|emf`: one collection (the same one `snapshot`
 * prints), exported once: one PutMetricData round, or EMF lines on `out`.
 */
export async function exportCommand(options: ExportOptions, out: Writable): Promise<void> {
  const { resourceMetrics, task } = await collectOnce({
    endpoint: options.endpoint,
    timeoutMs: options.timeoutMs,
    temporality: AggregationTemporality.DELTA,
  });
  const exporter = createExporter(options, out);
  try {
    const result = await new Promise<ExportResult>((resolve) =>
      exporter.export(withTaskResource(resourceMetrics, task), resolve),
    );
    if (result.code !== ExportResultCode.SUCCESS) {
      throw new CliError(
        `export to ${options.exporter} failed: ${result.error?.message ?? 'unknown error'}`,
      );
    }
    if (options.exporter === 'cloudwatch') {
      out.write(`exported one collection to CloudWatch namespace ${options.namespace}\n`);
    }
  } finally {
    await exporter.shutdown();
  }
}
