import { metrics } from '@opentelemetry/api';
import { attachInstrumentation } from './attach.js';
import { resolveInstrumentation, resolveShutdown } from './config.js';
import { createHandle } from './handle.js';
import type { AddEcsTaskMetricsOptions, EcsTaskMetricsHandle } from './types.js';

/**
 * Adds the ECS task metrics instruments to a provider the app already has, such as the one `NodeSDK`
 * registers globally (call it after `sdk.start()`), with the same shutdown hooks. The provider stays the app's:
 * on a signal or `shutdown()` it is flushed, never shut down.
 */
export function addEcsTaskMetrics(options: AddEcsTaskMetricsOptions = {}): EcsTaskMetricsHandle {
  const meterProvider = options.meterProvider ?? metrics.getMeterProvider();
  const flush = async () => {
    const flushable = meterProvider as { forceFlush?: () => Promise<void> };
    if (typeof flushable.forceFlush === 'function') await flushable.forceFlush();
  };
  const env = options.env ?? process.env;
  const instrumentation = attachInstrumentation(
    meterProvider,
    resolveInstrumentation(options.instrumentation, env),
  );
  return createHandle({
    meterProvider,
    instrumentation,
    flush,
    // Waits (bounded) for the agent's next sample, flushes the app's provider with it, removes the instruments.
    stop: async () => {
      await instrumentation.shutdown();
    },
    shutdown: resolveShutdown(options, env),
  });
}
