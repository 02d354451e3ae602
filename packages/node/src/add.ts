import { metrics } from '@opentelemetry/api';
import { attachInstrumentation } from './attach.js';
import { resolveShutdown } from './config.js';
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
  return createHandle({
    meterProvider,
    instrumentation: attachInstrumentation(meterProvider, options.instrumentation),
    flush,
    stop: flush,
    shutdown: resolveShutdown(options, options.env ?? process.env),
  });
}
