import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EndpointPath } from './types.js';

/** Fixture file name of each endpoint path (see the fixtures README). */
export const FILE_BY_PATH: Readonly<Record<EndpointPath, string>> = {
  '': 'container.json',
  '/task': 'task.json',
  '/taskWithTags': 'task-with-tags.json',
  '/stats': 'stats.json',
  '/task/stats': 'task-stats.json',
  '/tasks': 'tasks.json',
  '/tasks/stats': 'tasks-stats.json',
};

/** Paths under the endpoint URL; the others hang off the origin. */
export const URL_PATHS: readonly EndpointPath[] = [
  '',
  '/task',
  '/taskWithTags',
  '/stats',
  '/task/stats',
];
/** Managed Instances daemon paths, under the origin. */
export const ORIGIN_PATHS: readonly EndpointPath[] = ['/tasks', '/tasks/stats'];

/** A scenario as read from disk: the exact bytes of each endpoint's file that exists. */
export interface Scenario {
  readonly dir: string;
  readonly files: ReadonlyMap<EndpointPath, Buffer>;
}

/** Folder holding the bundled scenarios (a sibling of both `src/` and `dist/`). */
export function bundledScenariosDir(): string {
  return fileURLToPath(new URL('../fixtures/', import.meta.url));
}

/** Names of the bundled scenarios, sorted. */
export function listScenarios(): string[] {
  const root = bundledScenariosDir();
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** Directory of a scenario given by name or by path; throws with the known names when there is none. */
export function resolveScenarioDir(options: { scenario?: string; dir?: string }): string {
  if (options.dir !== undefined) {
    if (!existsSync(options.dir) || !statSync(options.dir).isDirectory()) {
      throw new Error(`tmds-emulator: scenario directory not found: ${options.dir}`);
    }
    return options.dir;
  }
  const name = options.scenario ?? 'fargate-2-containers';
  const names = listScenarios();
  if (!names.includes(name)) {
    throw new Error(`tmds-emulator: unknown scenario '${name}' (known: ${names.join(', ')})`);
  }
  return fileURLToPath(new URL(`../fixtures/${name}/`, import.meta.url));
}

/** Reads the endpoint files present in a scenario directory. */
export function loadScenario(dir: string): Scenario {
  const files = new Map<EndpointPath, Buffer>();
  for (const [path, file] of Object.entries(FILE_BY_PATH) as [EndpointPath, string][]) {
    const full = join(dir, file);
    if (existsSync(full)) files.set(path, readFileSync(full));
  }
  if (files.size === 0) {
    throw new Error(`tmds-emulator: no endpoint files (container.json, task.json...) in ${dir}`);
  }
  return { dir, files };
}
