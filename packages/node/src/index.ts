export type { MetricNamePreset } from '@ecs-task-metrics/cloudwatch-mapping';
export { addEcsTaskMetrics } from './add.js';
export { DEFAULTS, ENV } from './config.js';
export { createMetricExporter, EXPORTER_PACKAGES } from './exporters.js';
export { ecsResource } from './resource.js';
export { startEcsTaskMetrics } from './start.js';
export type {
  AddEcsTaskMetricsOptions,
  EcsTaskMetricsHandle,
  EcsTaskMetricsOptions,
  ExporterName,
} from './types.js';
export { startFromEnvironment } from './zero-code.js';
