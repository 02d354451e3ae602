export { type Collection, type CollectOptions, collectOnce } from './collect-once.js';
export { CliError } from './errors.js';
export { type ExporterName, type ExportOptions, exportCommand } from './export-command.js';
export { formatJsonLines, formatTable, humanValue } from './format.js';
export { type MetricPoint, toPoints } from './points.js';
export { type SnapshotOptions, snapshotCommand } from './snapshot-command.js';
