import type { AppOptions } from '../apps/express-app.js';
import { startChild } from '../harness/child.js';

/** Every app child can run V8's memory-reducing GC before it samples (see apps/express-app.ts). */
export const APP_NODE_OPTIONS = ['--expose-gc'];

export interface RunAppOptions<S> {
  /** Extra Node options (added to APP_NODE_OPTIONS). */
  execArgv?: string[];
  /** Called at every sample while the child pauses (e.g. to read another process's RSS). */
  onSample?: (sample: S) => void;
  timeoutMs?: number;
}

/** Runs the Express app child with `options` until it is done, collecting its messages of type 'sample'. */
export async function runApp<S>(options: AppOptions, run: RunAppOptions<S> = {}): Promise<S[]> {
  const child = startChild(
    new URL('../apps/express-app.js', import.meta.url),
    [JSON.stringify(options)],
    { execArgv: [...APP_NODE_OPTIONS, ...(run.execArgv ?? [])] },
  );
  const samples: S[] = [];
  child.process.on('message', (m: { type: string }) => {
    if (m.type !== 'sample') return;
    samples.push(m as S);
    run.onSample?.(m as S);
  });
  try {
    await child.next('done', run.timeoutMs ?? 300_000);
    return samples;
  } finally {
    await child.close();
  }
}
