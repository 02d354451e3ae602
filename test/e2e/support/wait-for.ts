import { setTimeout as sleep } from 'node:timers/promises';

/** Thrown by a check to stop waiting at once (the awaited process died). */
export class WaitAborted extends Error {}

/** Polls `check` every `intervalMs` until it returns true; fails after `attempts` tries (a bounded loop). */
export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  { attempts = 300, intervalMs = 100 }: { attempts?: number; intervalMs?: number } = {},
): Promise<void> {
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    try {
      if (await check()) return;
    } catch (error) {
      if (error instanceof WaitAborted) throw error;
      lastError = error;
    }
    await sleep(intervalMs);
  }
  const cause = lastError instanceof Error ? `: ${lastError.message}` : '';
  throw new Error(`timed out waiting for ${what}${cause}`);
}
