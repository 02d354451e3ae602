/*
 * The sizes of the instrumentation's internal maps, read through private fields: the one place a test looks
 * inside, so a rename breaks here only.
 */
import type { EcsTaskMetricsInstrumentation } from '@ecs-task-metrics/instrumentation';

export interface InternalSizes {
  /** Containers in the peak tracker. */
  peaks: number;
  /** Requests in flight in the endpoint client. */
  inflight: number;
  /** Kinds of diagnostics remembered by the rate limiter. */
  diagnosticKinds: number;
}

export function internalSizes(instrumentation: EcsTaskMetricsInstrumentation): InternalSizes {
  const running = (instrumentation as any)._running;
  if (!running) return { peaks: 0, inflight: 0, diagnosticKinds: 0 };
  return {
    peaks: running.collector._peaks.size,
    inflight: running.collector._client._inflight.size,
    diagnosticKinds: running.diag._last.size,
  };
}
