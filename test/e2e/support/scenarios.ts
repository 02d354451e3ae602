// The emulator's bundled fixture scenarios, and the task fields the tests derive names from.
import { existsSync, readFileSync } from 'node:fs';
import { listScenarios } from '@ecs-task-metrics/tmds-emulator';

const FIXTURES = new URL('../../../packages/tmds-emulator/fixtures/', import.meta.url);

export function fixtureFile(scenario: string, file: string): URL {
  return new URL(`${scenario}/${file}`, FIXTURES);
}

/** A fixture file, parsed (raw TMDS JSON). */
export function readFixture(scenario: string, file: string): any {
  return JSON.parse(readFileSync(fixtureFile(scenario, file), 'utf8'));
}

/** Scenarios that have every one of `files`. */
export function scenariosWith(...files: string[]): string[] {
  return listScenarios().filter((scenario) =>
    files.every((file) => existsSync(fixtureFile(scenario, file))),
  );
}

/** Cluster name and task id as ECS writes them into ARNs (`Cluster` may be a name or an ARN). */
export function taskIdentity(scenario: string): {
  clusterName: string;
  taskId: string;
  family: string;
} {
  const task = readFixture(scenario, 'task.json');
  const cluster = String(task.Cluster);
  return {
    clusterName: cluster.startsWith('arn:') ? cluster.slice(cluster.lastIndexOf('/') + 1) : cluster,
    taskId: String(task.TaskARN).slice(String(task.TaskARN).lastIndexOf('/') + 1),
    family: String(task.Family),
  };
}

/** A Docker container name without the leading '/' and without ECS's trailing '-<hash>'. */
function dockerNameStem(name: string): string {
  const bare = name.replace(/^\//, '');
  const stem = bare.replace(/-[0-9a-f]{16,}$/, '');
  return stem;
}

/**
 * The scenario's `/task` document with each container's `DockerId` replaced by the `/task/stats` key whose Docker
 * name it shares (ignoring ECS's hash suffix). The AWS documentation examples took `/task` and `/task/stats`
 * from different tasks, so their ids do not join; undefined when nothing would change.
 */
export function alignedTaskDocument(scenario: string): unknown {
  const task = readFixture(scenario, 'task.json');
  const stats = readFixture(scenario, 'task-stats.json') as Record<
    string,
    { name?: string } | null
  >;
  let changed = false;
  for (const container of task.Containers as Array<{ DockerId: string; DockerName?: string }>) {
    if (container.DockerId in stats || !container.DockerName) continue;
    const match = Object.entries(stats).find(
      ([, s]) => s?.name && dockerNameStem(s.name) === dockerNameStem(container.DockerName!),
    );
    if (match) {
      container.DockerId = match[0];
      changed = true;
    }
  }
  return changed ? task : undefined;
}
