import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The bundled fixtures folder, read directly (independently of the emulator's loader). */
export const FIXTURES_DIR = fileURLToPath(new URL('../fixtures/', import.meta.url));

/** `<repo>/../shared`, present on developer machines and CI but not in a fresh clone. */
export const SHARED_DIR = fileURLToPath(new URL('../../../../shared/', import.meta.url));
export const SHARED_TMDS_DIR = `${SHARED_DIR}fixtures/tmds/`;
export const hasShared = existsSync(SHARED_TMDS_DIR);

/** Endpoint path of each fixture file, as the fixtures README maps them. */
export const PATH_BY_FILE: Record<string, string> = {
  'container.json': '',
  'task.json': '/task',
  'task-with-tags.json': '/taskWithTags',
  'stats.json': '/stats',
  'task-stats.json': '/task/stats',
  'tasks.json': '/tasks',
  'tasks-stats.json': '/tasks/stats',
};

export const ORIGIN_PATHS = new Set(['/tasks', '/tasks/stats']);

export function scenarioNames(): string[] {
  return readdirSync(FIXTURES_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

export function fixtureBytes(scenario: string, file: string): Buffer {
  return readFileSync(`${FIXTURES_DIR}${scenario}/${file}`);
}

/** A fixture parsed with plain `JSON.parse` (fine for counters far below 2^53). */
export function fixtureJson(scenario: string, file: string): any {
  return JSON.parse(fixtureBytes(scenario, file).toString('utf8'));
}

/** GETs a URL and parses the JSON body. */
export async function getJson(url: string): Promise<any> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
  return response.json();
}

/** Adds whole seconds to an RFC 3339 timestamp, keeping its fraction digits as they are. */
export function plusWholeSeconds(timestamp: string, seconds: number): string {
  const match = /^(.*T\d\d:\d\d:\d\d)(\.\d+)?Z$/.exec(timestamp);
  if (!match) throw new Error(`unexpected timestamp ${timestamp}`);
  const shifted = new Date(Date.parse(`${match[1]}Z`) + seconds * 1000).toISOString().slice(0, 19);
  return `${shifted}${match[2] ?? ''}Z`;
}
