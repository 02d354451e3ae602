/*
 * The exporter an app child uses, each the project's own:
 * - `emf`: EmfMetricExporter, EMF lines on stdout (the child's stdout is discarded, as a log driver reads it);
 * - `cloudwatch`: CloudWatchMetricExporter, PutMetricData to moto standing in for CloudWatch;
 * - `otlp`: OTLP/HTTP to a collector (the ADOT sidecar path).
 */
import { CloudWatchMetricExporter } from '@ecs-task-metrics/exporter-cloudwatch';
import { EmfMetricExporter } from '@ecs-task-metrics/exporter-emf';
import { createOtlpMetricExporter } from '@ecs-task-metrics/exporter-otlp';
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';

export type ExporterKind = 'emf' | 'cloudwatch' | 'otlp';

export interface ExporterTargets {
  /** moto's base URL, for `cloudwatch`. */
  cloudWatchEndpoint?: string;
  /** The collector's OTLP/HTTP metrics URL, for `otlp`. */
  otlpUrl?: string;
}

const NAMESPACE = 'ECSTaskMetricsBench';

export function createExporter(kind: ExporterKind, targets: ExporterTargets): PushMetricExporter {
  switch (kind) {
    case 'emf':
      return new EmfMetricExporter({ namespace: NAMESPACE });
    case 'cloudwatch':
      return new CloudWatchMetricExporter({
        namespace: NAMESPACE,
        clientConfig: {
          endpoint: targets.cloudWatchEndpoint,
          region: 'us-west-2',
          credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
        },
      });
    case 'otlp':
      return createOtlpMetricExporter({ url: targets.otlpUrl });
  }
}
