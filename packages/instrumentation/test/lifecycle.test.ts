import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONTAINER_STATUSES, computeLifecycle, containerStatus } from '../src/lifecycle.js';

const fixture = (scenario: string): any =>
  JSON.parse(
    readFileSync(
      new URL(`../../tmds-emulator/fixtures/${scenario}/task.json`, import.meta.url),
      'utf8',
    ),
  );

const seconds = (from: string, to: string) =>
  (Date.parse(to.replace(/\.\d+Z$/, 'Z')) - Date.parse(from.replace(/\.\d+Z$/, 'Z'))) / 1000 +
  (Number(`0.${/\.(\d+)Z$/.exec(to)?.[1] ?? '0'}`) -
    Number(`0.${/\.(\d+)Z$/.exec(from)?.[1] ?? '0'}`));

describe('computeLifecycle', () => {
  it('reports every container, stopped ones with their exit code', () => {
    const task = fixture('fargate-stopped-container');
    const lifecycle = computeLifecycle(task);
    expect(lifecycle.containers).toEqual(
      task.Containers.map((c: any) => ({
        name: c.Name,
        id: c.DockerId,
        status: c.KnownStatus.toLowerCase(),
        ...(c.ExitCode === undefined ? {} : { exitCode: c.ExitCode }),
      })),
    );
    expect(lifecycle.containers.some((c) => c.exitCode !== undefined && c.exitCode !== 0)).toBe(
      true,
    );
  });

  it('start-up latency runs from PullStartedAt to the first StartedAt; pull time to PullStoppedAt', () => {
    const task = fixture('ec2-bridge-3-containers');
    const starts = task.Containers.map((c: any) => c.StartedAt)
      .filter(Boolean)
      .sort();
    const lifecycle = computeLifecycle(task);
    expect(lifecycle.startupSeconds).toBeCloseTo(seconds(task.PullStartedAt, starts[0]), 6);
    expect(lifecycle.imagePullSeconds).toBeCloseTo(
      seconds(task.PullStartedAt, task.PullStoppedAt),
      6,
    );
  });

  it('takes RestartCount, and maps statuses to a fixed set', () => {
    const lifecycle = computeLifecycle({
      Containers: [
        { Name: 'a', DockerId: 'id-a', KnownStatus: 'RUNNING', RestartCount: 2 },
        { Name: 'b', KnownStatus: 'PENDING_SOMETHING_NEW' },
        { DockerId: 'nameless' },
      ],
    });
    expect(lifecycle.containers).toEqual([
      { name: 'a', id: 'id-a', status: 'running', restartCount: 2 },
      { name: 'b', status: 'unknown' },
    ]);
    expect(lifecycle.startupSeconds).toBeUndefined();
    for (const s of CONTAINER_STATUSES) expect(containerStatus(s.toUpperCase())).toBe(s);
  });
});
