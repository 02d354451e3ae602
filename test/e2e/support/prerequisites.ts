// What the end-to-end tests need from the machine: Go (to build the collector) and moto (CloudWatch Logs).
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Set by `.ci/run`: a missing prerequisite fails the run instead of skipping it. */
export const REQUIRE_E2E_VARIABLE = 'ECS_TASK_METRICS_REQUIRE_E2E';
/** Set by the global setup for the test workers when the suite is skipped: the reason. */
export const E2E_SKIP_VARIABLE = 'ECS_TASK_METRICS_E2E_SKIP';

/** The executable's path when it is on PATH. */
export function findOnPath(name: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

/** Why the e2e suite cannot run on this machine, or undefined when it can. */
export function missingPrerequisite(): string | undefined {
  const missing = [
    findOnPath('go') ? undefined : 'Go (to build the test collector)',
    findOnPath('moto_server') ? undefined : "moto_server (pip install 'moto[server]')",
  ].filter((item): item is string => item !== undefined);
  return missing.length > 0 ? `not installed: ${missing.join(', ')}` : undefined;
}
