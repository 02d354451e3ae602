/*
 * Graceful shutdown on ECS: the agent sends SIGTERM, then SIGKILL after the container's `stopTimeout` (30 s by
 * default). On the signal the last collection is exported; then, if nothing else in the process listened for that
 * signal when it came, our listener is removed and the signal raised again, so Node's default action (exit)
 * applies exactly as if we had never listened. An app with its own handler keeps full control: we never call
 * `process.exit`. Our listener goes first (prepended), so an app's `process.once` handler is still counted.
 * `beforeExit` covers short-lived tasks whose event loop simply runs dry.
 */
import { diag } from '@opentelemetry/api';
import type { ResolvedShutdown } from './config.js';

export interface ShutdownHookActions {
  /** Runs on a signal: export one last collection. */
  onSignal(): Promise<void>;
  /** Runs once when the event loop runs dry: export the last collection and stop. No deadline: nothing kills. */
  onBeforeExit(): Promise<void>;
}

/** Resolves when `promise` settles or `ms` have passed, whichever is first; never rejects. */
async function settleWithin(promise: Promise<void>, ms: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      diag.warn(`ecs-task-metrics: ${what} did not finish within ${ms} ms`);
      resolve();
    }, ms);
  });
  try {
    await Promise.race([
      promise.catch((err: unknown) => diag.error(`ecs-task-metrics: ${what} failed`, err)),
      deadline,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Installs the hooks; returns the function that removes them. */
export function installShutdownHooks(
  config: ResolvedShutdown,
  actions: ShutdownHookActions,
): () => void {
  const flushing = new Set<NodeJS.Signals>();
  let exited = false;

  const onSignal = (signal: NodeJS.Signals) => {
    if (flushing.has(signal)) return;
    flushing.add(signal);
    const appHandlesIt = process.listenerCount(signal) > 1;
    void settleWithin(actions.onSignal(), config.shutdownTimeoutMillis, `flush on ${signal}`).then(
      () => {
        flushing.delete(signal);
        if (appHandlesIt) return;
        process.removeListener(signal, onSignal);
        process.kill(process.pid, signal);
      },
    );
  };

  const onBeforeExit = () => {
    if (exited) return;
    exited = true;
    actions
      .onBeforeExit()
      .catch((err: unknown) => diag.error('ecs-task-metrics: flush before exit failed', err));
  };

  for (const signal of config.shutdownSignals) process.prependListener(signal, onSignal);
  process.on('beforeExit', onBeforeExit);

  return () => {
    for (const signal of config.shutdownSignals) process.removeListener(signal, onSignal);
    process.removeListener('beforeExit', onBeforeExit);
  };
}
