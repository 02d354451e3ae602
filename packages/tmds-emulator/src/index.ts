export { DEFAULT_LIVE_SAMPLE_INTERVAL_MS, ecsExitCode, startLiveEmulator } from './live.js';
export { LiveCgroupError, probeLiveCgroups } from './live-cgroups.js';
export { listScenarios } from './scenario.js';
export { DEFAULT_DELTAS } from './scripted-state.js';
export { startTmdsEmulator } from './server.js';
export type {
  EmulatorDeltas,
  EmulatorFault,
  EndpointPath,
  FaultScope,
  LatencyFault,
  LiveEmulatorOptions,
  LiveExit,
  LiveTmdsEmulator,
  MalformedFault,
  RateLimitOptions,
  RecordedRequest,
  ResetFault,
  StatusFault,
  StopContainerOptions,
  TmdsEmulator,
  TmdsEmulatorOptions,
  TmdsEndpointServer,
  TruncatedFault,
} from './types.js';
