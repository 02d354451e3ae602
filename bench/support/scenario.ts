/*
 * Scenario directories for any number of containers, made at run time from a bundled fixture: one running
 * container's stats and metadata are cloned under new ids and names. Every clone is the same container, so the
 * cost per container is the same and a scaling curve shows the code's growth, not the data's.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

/** Bridge networking and cgroup v1: every container reports every metric (network and peak included). */
export const BASE_SCENARIO = 'ec2-bridge-3-containers';
const TEMPLATE_NAME = 'nginx100';

interface RawJson {
  rawJSON(text: string): unknown;
}

/** Parses JSON keeping numbers a double cannot hold (the `limit` sentinels) as their source text. */
function parseLossless(text: string): any {
  const raw = (JSON as unknown as RawJson).rawJSON;
  return JSON.parse(text, function (this: unknown, _key, value, context?: { source: string }) {
    if (typeof value === 'number' && context && String(value) !== context.source) {
      return raw(context.source);
    }
    return value;
  } as Parameters<typeof JSON.parse>[1]);
}

function fixtureDir(): string {
  const require = createRequire(import.meta.url);
  const pkg = require.resolve('@ecs-task-metrics/tmds-emulator/package.json');
  return path.join(path.dirname(pkg), 'fixtures', BASE_SCENARIO);
}

/** A 64-hex Docker id, stable per index. */
export function containerId(index: number): string {
  return createHash('sha256').update(`bench-container-${index}`).digest('hex');
}

export interface Scenario {
  dir: string;
  containers: number;
  /** Bytes of `/task/stats`. */
  taskStatsBytes: number;
  remove(): Promise<void>;
}

/** Writes a scenario of `containers` running containers into a temporary directory. */
export async function writeScenario(containers: number): Promise<Scenario> {
  const src = fixtureDir();
  const read = async (file: string) => parseLossless(await readFile(path.join(src, file), 'utf8'));
  const [task, stats, container] = await Promise.all([
    read('task.json'),
    read('task-stats.json'),
    readFile(path.join(src, 'container.json'), 'utf8'),
  ]);
  const metaTemplate = task.Containers.find((c: any) => c.Name === TEMPLATE_NAME);
  const statsTemplate = stats[metaTemplate.DockerId];
  if (!metaTemplate || !statsTemplate?.memory_stats)
    throw new Error('template container not found');

  const taskStats: Record<string, unknown> = {};
  task.Containers = [];
  for (let i = 0; i < containers; i++) {
    const id = containerId(i);
    const name = `app-${i}`;
    const dockerName = `ecs-bench-1-${name}-${id.slice(0, 20)}`;
    task.Containers.push({ ...metaTemplate, DockerId: id, Name: name, DockerName: dockerName });
    taskStats[id] = { ...statsTemplate, id, name: `/${dockerName}` };
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), `ecs-bench-${containers}-`));
  const statsText = JSON.stringify(taskStats);
  await Promise.all([
    writeFile(path.join(dir, 'task.json'), JSON.stringify(task)),
    writeFile(path.join(dir, 'task-stats.json'), statsText),
    writeFile(path.join(dir, 'container.json'), container),
  ]);
  return {
    dir,
    containers,
    taskStatsBytes: Buffer.byteLength(statsText),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
