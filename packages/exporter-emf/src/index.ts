export { BoundedLineWriter } from './bounded-line-writer.js';
export {
  type EmfDocument,
  type EmfMetricDefinition,
  type EmfValue,
  groupIntoDocuments,
  MAX_METRICS_PER_DIRECTIVE,
  MAX_VALUES_PER_ARRAY,
  serializeDocuments,
} from './emf-documents.js';
export { EmfMetricExporter } from './emf-metric-exporter.js';
export type { EmfMetricExporterOptions } from './types.js';
