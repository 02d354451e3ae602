import type { EcsTaskMetricsInstrumentation } from '@ecs-task-metrics/instrumentation';
import type { MeterProvider as ApiMeterProvider } from '@opentelemetry/api';
import type { MeterProvider } from '@opentelemetry/sdk-metrics';
import type { ResolvedShutdown } from './config.js';
import { installShutdownHooks } from './shutdown-hooks.js';
import type { EcsTaskMetricsHandle } from './types.js';

export interface HandleParts {
  meterProvider: MeterProvider | ApiMeterProvider;
  instrumentation: EcsTaskMetricsInstrumentation;
  /** Collect and export now. */
  flush(): Promise<void>;
  /** Export the last collection (after the agent's next sample) and release what we own. */
  stop(): Promise<void>;
  shutdown: ResolvedShutdown;
}

/** The handle both entry points return, with the signal and `beforeExit` hooks installed. */
export function createHandle(parts: HandleParts): EcsTaskMetricsHandle {
  let stopping: Promise<void> | undefined;
  const shutdown = (): Promise<void> => {
    stopping ??= (async () => {
      uninstall();
      try {
        await parts.stop();
      } finally {
        // After the last collection: the instruments must still be observed during it.
        parts.instrumentation.disable();
      }
    })();
    return stopping;
  };
  const forceFlush = () => (stopping ? stopping : parts.flush());
  const uninstall = installShutdownHooks(parts.shutdown, {
    onSignal: forceFlush,
    onBeforeExit: shutdown,
  });
  return {
    meterProvider: parts.meterProvider,
    instrumentation: parts.instrumentation,
    collect: () => parts.instrumentation.collect(),
    forceFlush,
    shutdown,
  };
}
