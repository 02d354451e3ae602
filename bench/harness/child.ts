/*
 * Child processes with an IPC channel: the emulator and the measured apps each run in their own process, as
 * the ECS agent and an app do, so a measurement of one never includes the other's work.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';

export interface Child {
  process: ChildProcess;
  /** Sends a message and resolves with the child's next message of the given type. */
  request<T>(message: object, replyType: string, timeoutMs?: number): Promise<T>;
  /** The next message of the given type. */
  next<T>(type: string, timeoutMs?: number): Promise<T>;
  /** Ends the child (SIGTERM, then SIGKILL after a grace period) and waits for it. */
  close(): Promise<void>;
}

interface Message {
  type: string;
}

/** Forks `module` (a compiled file next to the caller's). */
export function startChild(
  module: URL,
  args: string[] = [],
  options: { execArgv?: string[]; env?: NodeJS.ProcessEnv } = {},
): Child {
  const child = fork(module, args, {
    execArgv: options.execArgv ?? [],
    env: options.env ?? process.env,
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const queue: Message[] = [];
  const waiters: Array<{ type: string; resolve: (m: Message) => void }> = [];
  child.on('message', (m: Message) => {
    const w = waiters.findIndex((x) => x.type === m.type);
    if (w >= 0) waiters.splice(w, 1)[0]!.resolve(m);
    else queue.push(m);
  });
  let exited = false;
  const exit = once(child, 'exit').then(() => {
    exited = true;
  });

  function next<T>(type: string, timeoutMs = 120_000): Promise<T> {
    const queued = queue.findIndex((m) => m.type === type);
    if (queued >= 0) return Promise.resolve(queue.splice(queued, 1)[0] as T);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new Error(`${module.pathname.split('/').pop()}: no '${type}' within ${timeoutMs} ms`),
        );
      }, timeoutMs);
      const waiter = {
        type,
        resolve: (m: Message) => {
          clearTimeout(timer);
          resolve(m as T);
        },
      };
      waiters.push(waiter);
      void exit.then(() => {
        if (waiters.includes(waiter)) {
          clearTimeout(timer);
          reject(new Error(`child exited (code ${child.exitCode}) before '${type}'`));
        }
      });
    });
  }

  return {
    process: child,
    next,
    request(message, replyType, timeoutMs) {
      const reply = next<never>(replyType, timeoutMs);
      child.send(message);
      return reply;
    },
    async close() {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exit;
      clearTimeout(timer);
    },
  };
}
