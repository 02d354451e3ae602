import * as v2 from '@ecs-task-metrics/test-sdk-metrics-v2';
import type { Meter } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type {
  AggregationTemporality,
  MeterProvider,
  ResourceMetrics,
  ViewOptions,
} from '@opentelemetry/sdk-metrics';
import * as v3 from '@opentelemetry/sdk-metrics';

/** The two majors of @opentelemetry/sdk-metrics the exporters support, for `describe.each`. */
export const SDK_MAJORS = [
  { sdk: 'sdk-metrics 3.x', major: 3 },
  { sdk: 'sdk-metrics 2.x', major: 2 },
] as const;
export type SdkMajor = (typeof SDK_MAJORS)[number]['major'];

/** A reader that collects only when asked, with one temporality for every instrument. */
export interface ManualReader {
  collectNow(): Promise<ResourceMetrics>;
}

function manualReader(major: SdkMajor, temporality: AggregationTemporality) {
  const sdk: any = major === 2 ? v2 : v3;
  const Base: new (options: object) => { collect(): Promise<any> } = sdk.MetricReader;
  const Reader = class extends Base {
    async collectNow(): Promise<ResourceMetrics> {
      const { resourceMetrics, errors } = await this.collect();
      if (errors.length > 0) throw errors[0];
      return resourceMetrics;
    }
    async onForceFlush(): Promise<void> {}
    async onShutdown(): Promise<void> {}
  };
  return new Reader({ aggregationTemporalitySelector: () => temporality });
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

/**
 * A real MeterProvider of the chosen SDK major (default 3) with a manual reader, for mapping and
 * exporter tests. Collections of 2.x are handed on as they are: the exporters take both.
 */
export function testMeterProvider(
  temporality: AggregationTemporality,
  options: { views?: ViewOptions[]; resource?: Record<string, string>; major?: SdkMajor } = {},
): { provider: MeterProvider; reader: ManualReader; meter: Meter } {
  const major = options.major ?? 3;
  const reader = manualReader(major, temporality);
  const attributes = options.resource ?? ECS_RESOURCE;
  const settings = { readers: [reader], views: options.views ?? [] };
  const provider =
    major === 2
      ? (new v2.MeterProvider({
          ...settings,
          resource: v2.resourceFromAttributes(attributes),
        } as any) as unknown as MeterProvider)
      : new v3.MeterProvider({ ...settings, resource: resourceFromAttributes(attributes) } as any);
  return { provider, reader: reader as unknown as ManualReader, meter: provider.getMeter('test') };
}
