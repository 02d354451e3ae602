export {
  containerCpuReservation,
  cpuTimeSeconds,
  cpuUsageVcpu,
  diskBytes,
  effectiveMemoryLimit,
  ephemeralStorage,
  hasStats,
  isAwsvpc,
  isCgroupV2,
  memoryMaxUsage,
  memoryUsage,
  memoryWorkingSet,
  networkBytes,
  realLimit,
  taskCpuLimit,
  taskMemoryLimit,
  UNLIMITED_THRESHOLD,
} from './formulas.js';
export { EcsTaskMetricsInstrumentation } from './instrumentation.js';
export * as semconv from './semconv.js';
export { computeSnapshot, PeakTracker } from './snapshot.js';
export { TmdsClient, TmdsError } from './tmds-client.js';
export type {
  CollectionErrorKind,
  CollectionFailure,
  ContainerMetrics,
  EcsTaskMetricsInstrumentationConfig,
  FlushResult,
  PhasePeakSource,
  PhaseSummary,
  TaskMetrics,
  TaskSnapshot,
  TmdsContainerMetadata,
  TmdsContainerStats,
  TmdsCpuStats,
  TmdsTaskMetadata,
  TmdsTaskStats,
} from './types.js';
export { PACKAGE_NAME, PACKAGE_VERSION } from './version.js';
