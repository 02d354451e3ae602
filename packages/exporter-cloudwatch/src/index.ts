export { batchDatums, encodedDatumSize } from './batches.js';
export { CloudWatchMetricExporter } from './cloudwatch-metric-exporter.js';
export type { CloudWatchMetricExporterOptions } from './types.js';
