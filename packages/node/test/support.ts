// What the set-up tests share: a Fargate scenario on the TMDS emulator, its fixture files, and clean-ups.
import { readFileSync } from 'node:fs';
import { startTmdsEmulator, type TmdsEmulator } from '@ecs-task-metrics/tmds-emulator';
import { afterEach } from 'vitest';

export const SCENARIO = 'fargate-2-containers';
const FIXTURES = new URL('../../tmds-emulator/fixtures/', import.meta.url);
const ENDPOINT_ENV = 'ECS_CONTAINER_METADATA_URI_V4';

/** A fixture file of the scenario, parsed. */
export const fixture = (file: string): any =>
  JSON.parse(readFileSync(new URL(`${SCENARIO}/${file}`, FIXTURES), 'utf8'));

/** An export interval no test waits for: exports happen on forceFlush and shutdown. */
export const HOUR = 3_600_000;
/** The emulator's samples only move when a test advances it: shutdown() need not wait the default 12 s. */
export const NO_WAIT = { flushTimeoutMs: 50 };

/** Functions run after each test, last registered first (register `useCleanups()` once per file). */
export const cleanups: Array<() => unknown> = [];
export function useCleanups(): void {
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
}

/** An emulator whose URL is in the environment, as on ECS (the resource detector reads it there). */
export async function onEcs(): Promise<TmdsEmulator> {
  const emu = await startTmdsEmulator({ scenario: SCENARIO });
  const before = process.env[ENDPOINT_ENV];
  process.env[ENDPOINT_ENV] = emu.url;
  cleanups.push(async () => {
    if (before === undefined) delete process.env[ENDPOINT_ENV];
    else process.env[ENDPOINT_ENV] = before;
    await emu.close();
  });
  return emu;
}
