import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { probeLiveCgroups } from '@ecs-task-metrics/tmds-emulator';

/**
 * Whether the live-mode tests can run: they create real cgroups (v1 memory, cpuacct, blkio). The probe runs
 * when a test file starts. CI sets ECS_TASK_METRICS_REQUIRE_LIVE=1 where /sys/fs/cgroup/memory is writable,
 * so there a broken probe fails instead of skipping.
 */
export function liveCgroupsSkipReason(): string | undefined {
  const probe = probeLiveCgroups();
  if (probe.ok) return undefined;
  const reason = `live cgroups unavailable (${probe.reason})`;
  if (process.env.ECS_TASK_METRICS_REQUIRE_LIVE === '1') {
    throw new Error(`${reason}, but ECS_TASK_METRICS_REQUIRE_LIVE=1`);
  }
  process.stderr.write(`skipping live-mode tests: ${reason}\n`);
  return reason;
}

/** Builds `dir` (a TypeScript project) with `tsc -b`: live commands run the build output. No-op when up to date. */
export function buildProject(dir: string): void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-b', dir], { stdio: 'inherit' });
}
