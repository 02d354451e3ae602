import { type Child, startChild } from '../harness/child.js';

/** A TMDS emulator in its own process, like the ECS agent. */
export interface EmulatorProcess {
  /** The endpoint, as in ECS_CONTAINER_METADATA_URI_V4. */
  url: string;
  counts(): Promise<{ taskStats: number; task: number }>;
  close(): Promise<void>;
}

/** Samples move every 20 ms: a collection rarely reads the same sample twice, the emulator stays cheap. */
export const ADVANCE_EVERY_MS = 20;

export async function startEmulatorProcess(
  scenarioDir: string,
  advanceEveryMs = ADVANCE_EVERY_MS,
): Promise<EmulatorProcess> {
  const child: Child = startChild(new URL('./emulator-process.js', import.meta.url), [
    scenarioDir,
    String(advanceEveryMs),
  ]);
  const ready = await child.next<{ url: string }>('ready', 30_000);
  return {
    url: ready.url,
    counts: () => child.request({ type: 'counts' }, 'counts'),
    close: () => child.close(),
  };
}
