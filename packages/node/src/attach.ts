import { EcsTaskMetricsInstrumentation } from '@ecs-task-metrics/instrumentation';
import type { EcsTaskMetricsHandle, EcsTaskMetricsOptions } from './types.js';

/** A new instrumentation feeding its instruments on `meterProvider`. */
export function attachInstrumentation(
  meterProvider: EcsTaskMetricsHandle['meterProvider'],
  config: EcsTaskMetricsOptions['instrumentation'],
): EcsTaskMetricsInstrumentation {
  // Created disabled so it never registers on the global provider first.
  const instrumentation = new EcsTaskMetricsInstrumentation({ ...config, enabled: false });
  instrumentation.setMeterProvider(meterProvider);
  instrumentation.enable();
  return instrumentation;
}
