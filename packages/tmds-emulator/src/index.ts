export { listScenarios } from './scenario.js';
export { DEFAULT_DELTAS } from './scripted-state.js';
export { startTmdsEmulator } from './server.js';
export type {
  EmulatorDeltas,
  EmulatorFault,
  EndpointPath,
  FaultScope,
  LatencyFault,
  MalformedFault,
  RateLimitOptions,
  RecordedRequest,
  ResetFault,
  StatusFault,
  StopContainerOptions,
  TmdsEmulator,
  TmdsEmulatorOptions,
  TruncatedFault,
} from './types.js';
