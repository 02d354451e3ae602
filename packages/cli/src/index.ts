export {
  type Collection,
  type CollectionSession,
  type CollectOptions,
  collectOnce,
  openCollection,
} from './collect-once.js';
export { CliError } from './errors.js';
export { type ExporterName, type ExportOptions, exportCommand } from './export-command.js';
export { alignColumns, formatJsonLines, formatTable, humanValue } from './format.js';
export { type MetricPoint, toPoints } from './points.js';
export { type SnapshotOptions, snapshotCommand } from './snapshot-command.js';
export { formatTop, TOP_HEADER, type TopOptions, topCommand, topRows } from './top-command.js';
