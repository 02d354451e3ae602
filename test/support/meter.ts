import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  type AggregationTemporality,
  MeterProvider,
  MetricReader,
  type ResourceMetrics,
  type ViewOptions,
} from '@opentelemetry/sdk-metrics';

/** A reader that collects only when asked, with one temporality for every instrument. */
export class ManualReader extends MetricReader {
  constructor(temporality: AggregationTemporality) {
    super({ aggregationTemporalitySelector: () => temporality });
  }

  async collectNow(): Promise<ResourceMetrics> {
    const { resourceMetrics, errors } = await this.collect();
    if (errors.length > 0) throw errors[0];
    return resourceMetrics;
  }

  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

/** The resource attributes the ECS resource detector gives a Fargate task. */
export const ECS_RESOURCE = {
  'service.name': 'checkout',
  'cloud.provider': 'aws',
  'cloud.platform': 'aws_ecs',
  'aws.ecs.cluster.arn': 'arn:aws:ecs:us-west-2:111122223333:cluster/prod',
  'aws.ecs.task.arn': 'arn:aws:ecs:us-west-2:111122223333:task/prod/0123456789abcdef',
  'aws.ecs.task.family': 'checkout-task',
  'aws.ecs.task.revision': '7',
  'aws.ecs.launchtype': 'fargate',
};

/** A real MeterProvider with a manual reader, for mapping and exporter tests. */
export function testMeterProvider(
  temporality: AggregationTemporality,
  options: { views?: ViewOptions[]; resource?: Record<string, string> } = {},
) {
  const reader = new ManualReader(temporality);
  const provider = new MeterProvider({
    resource: resourceFromAttributes(options.resource ?? ECS_RESOURCE),
    readers: [reader],
    views: options.views ?? [],
  });
  return { provider, reader, meter: provider.getMeter('test') };
}
