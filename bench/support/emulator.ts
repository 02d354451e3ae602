import { type Child, startChild } from '../harness/child.js';

/** A TMDS emulator in its own process, like the ECS agent. */
export interface EmulatorProcess {
  /** The endpoint, as in ECS_CONTAINER_METADATA_URI_V4. */
  url: string;
  counts(): Promise<{ taskStats: number; task: number }>;
  close(): Promise<void>;
}

export async function startEmulatorProcess(scenarioDir: string): Promise<EmulatorProcess> {
  const child: Child = startChild(new URL('./emulator-process.js', import.meta.url), [scenarioDir]);
  const ready = await child.next<{ url: string }>('ready', 30_000);
  return {
    url: ready.url,
    counts: () => child.request({ type: 'counts' }, 'counts'),
    close: () => child.close(),
  };
}
