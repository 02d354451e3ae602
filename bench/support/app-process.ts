import type { AppOptions } from '../apps/express-app.js';
import { startChild } from '../harness/child.js';

/** Runs the Express app child with `options` until it is done, collecting its messages of type 'sample'. */
export async function runApp<S>(options: AppOptions, timeoutMs = 300_000): Promise<S[]> {
  const child = startChild(
    new URL('../apps/express-app.js', import.meta.url),
    [JSON.stringify(options)],
    {
      execArgv: ['--expose-gc'],
    },
  );
  const samples: S[] = [];
  child.process.on('message', (m: { type: string }) => {
    if (m.type === 'sample') samples.push(m as S);
  });
  try {
    await child.next('done', timeoutMs);
    return samples;
  } finally {
    await child.close();
  }
}
