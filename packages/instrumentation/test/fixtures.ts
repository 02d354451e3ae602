import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The fixtures committed with the emulator package (a fresh clone has them). */
export const FIXTURES_DIR = fileURLToPath(
  new URL('../../tmds-emulator/fixtures/', import.meta.url),
);
/** The shared fixtures beside the repository, present on the developers' machines and in CI only. */
export const SHARED_FIXTURES_DIR = fileURLToPath(
  new URL('../../../../shared/fixtures/tmds/', import.meta.url),
);
export const hasShared = existsSync(SHARED_FIXTURES_DIR);
export type Json = any;

export function loadFixture(scenario: string, file: string, dir = FIXTURES_DIR): Json {
  return JSON.parse(readFileSync(`${dir}${scenario}/${file}`, 'utf8'));
}

/** `read - preread` in nanoseconds, computed from the text so no precision is lost to Date. */
export function windowNanos(read: string, preread: string): number {
  const parts = (t: string) => {
    const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/.exec(t)!;
    return { s: Date.parse(`${m[1]}Z`) / 1000, ns: Number((m[2] ?? '').padEnd(9, '0')) };
  };
  const a = parts(read);
  const b = parts(preread);
  return (a.s - b.s) * 1e9 + (a.ns - b.ns);
}
