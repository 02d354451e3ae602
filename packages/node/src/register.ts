/*
 * Zero-code start: `node --import @ecs-task-metrics/node/register app.js`, or the same in `NODE_OPTIONS`.
 * Configured by the environment alone (see the README's table). An app that wants the handle (to call
 * `shutdown()` itself) imports `ecsTaskMetrics` from this module: it is the same instance.
 */
import { startFromEnvironment } from './zero-code.js';

/** The running set-up, or undefined when nothing was started. */
export const ecsTaskMetrics = await startFromEnvironment();
