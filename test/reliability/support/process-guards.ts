/*
 * What a fault must never cause in the host process: an unhandled rejection or an uncaught exception, and memory
 * that keeps growing.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export interface ProcessEvents {
  unhandledRejections: unknown[];
  uncaughtExceptions: unknown[];
  /** Stops listening. */
  dispose(): void;
}

/** Records unhandled rejections and uncaught exceptions from now on. */
export function watchProcess(): ProcessEvents {
  const events: ProcessEvents = {
    unhandledRejections: [],
    uncaughtExceptions: [],
    dispose: () => {
      process.off('unhandledRejection', onRejection);
      process.off('uncaughtException', onException);
    },
  };
  const onRejection = (reason: unknown) => void events.unhandledRejections.push(reason);
  const onException = (err: unknown) => void events.uncaughtExceptions.push(err);
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return events;
}

let gc: (() => void) | undefined;

/** Heap in use after a full garbage collection, in bytes. */
export function settledHeap(): number {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}
