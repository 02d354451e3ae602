import { describe, expect, it } from 'vitest';
import { computeSnapshot, PeakTracker } from '../src/snapshot.js';
import type { ContainerMetrics, TaskSnapshot } from '../src/types.js';
import { hasShared, type Json, loadFixture, SHARED_FIXTURES_DIR, windowNanos } from './fixtures.js';

const MIB = 1024 * 1024;
const NOW = Date.parse('2026-01-01T00:00:00Z');

function snapshotOf(scenario: string, peaks = new PeakTracker()): TaskSnapshot {
  return computeSnapshot(
    loadFixture(scenario, 'task.json'),
    loadFixture(scenario, 'task-stats.json'),
    peaks,
    NOW,
  );
}

function container(snapshot: TaskSnapshot, id: string): ContainerMetrics {
  const c = snapshot.containers.find((x) => x.id === id);
  if (!c) throw new Error(`no container ${id}`);
  return c;
}

function metaOf(task: Json, id: string): Json {
  return task.Containers.find((c: Json) => c.DockerId === id);
}

/** The documented CPU formula: delta total_usage / (read - preread). */
function vcpu(s: Json): number {
  return (
    (s.cpu_stats.cpu_usage.total_usage - s.precpu_stats.cpu_usage.total_usage) /
    windowNanos(s.read, s.preread)
  );
}

function sumIfaces(s: Json, key: 'rx_bytes' | 'tx_bytes'): number {
  return Object.values(s.networks as Record<string, Json>).reduce((a, n) => a + n[key], 0);
}

function blkio(s: Json, op: string): number {
  return (s.blkio_stats.io_service_bytes_recursive as Json[])
    .filter((e) => e.op.toLowerCase() === op)
    .reduce((a, e) => a + e.value, 0);
}

function uptimeOf(meta: Json): number {
  return (NOW - Date.parse(meta.StartedAt)) / 1000;
}

describe('ec2-bridge-3-containers (cgroup v1, bridge, one stopped container)', () => {
  const task = loadFixture('ec2-bridge-3-containers', 'task.json');
  const stats = loadFixture('ec2-bridge-3-containers', 'task-stats.json');
  const snap = snapshotOf('ec2-bridge-3-containers');
  const runningIds = Object.keys(stats).filter((id) => Object.keys(stats[id] ?? {}).length > 0);

  it('reports only the running containers; the stopped `{}` one gets no points at all', () => {
    expect(snap.containers.map((c) => c.id).sort()).toEqual(runningIds.sort());
    const stopped = Object.keys(stats).find((id) => !runningIds.includes(id))!;
    expect(metaOf(task, stopped).KnownStatus).toBe('STOPPED');
    expect(snap.containers.find((c) => c.id === stopped)).toBeUndefined();
  });

  it.each(runningIds)('container %s: memory, CPU, disk, network, uptime by the formulas', (id) => {
    const s = stats[id];
    const meta = metaOf(task, id);
    const c = container(snap, id);
    const ws = s.memory_stats.usage - s.memory_stats.stats.total_inactive_file;
    const limit = Math.min(s.memory_stats.limit, s.memory_stats.stats.hierarchical_memory_limit);
    expect(c.name).toBe(meta.Name);
    expect(c.memoryUsage).toBe(s.memory_stats.usage);
    expect(c.memoryWorkingSet).toBe(ws);
    expect(c.memoryUsageMax).toBe(s.memory_stats.max_usage);
    expect(c.memoryUsageMaxSource).toBe('cgroup');
    expect(c.memoryLimit).toBe(limit);
    expect(c.memoryUtilization).toBeCloseTo(ws / limit, 12);
    expect(c.cpuTime).toBe(s.cpu_stats.cpu_usage.total_usage / 1e9);
    expect(c.cpuUsage).toBeCloseTo(vcpu(s), 12);
    // A reservation above Docker's minimum of 2 shares is real; no task size on this EC2 task.
    const reserved = meta.Limits.CPU > 2 ? meta.Limits.CPU / 1024 : undefined;
    expect(c.cpuReserved).toBe(reserved);
    expect(c.cpuUtilization).toBe(reserved === undefined ? undefined : vcpu(s) / reserved);
    expect(c.diskReadBytes).toBe(blkio(s, 'read'));
    expect(c.diskWriteBytes).toBe(blkio(s, 'write'));
    // Bridge mode: each container has its own namespace; interfaces are summed.
    expect(c.networkRxBytes).toBe(sumIfaces(s, 'rx_bytes'));
    expect(c.networkTxBytes).toBe(sumIfaces(s, 'tx_bytes'));
    expect(c.uptime).toBeCloseTo(uptimeOf(meta), 2);
  });

  it('sums interfaces of a container with two of them', () => {
    const two = runningIds.find((id) => Object.keys(stats[id].networks).length === 2)!;
    const s = stats[two];
    const [a, b] = Object.values(s.networks as Record<string, Json>);
    expect(container(snap, two).networkRxBytes).toBe(a.rx_bytes + b.rx_bytes);
  });

  it('task: sums over containers (bridge), limit from container limits, ephemeral storage in bytes', () => {
    const running = runningIds.map((id) => stats[id]);
    const sumOf = (f: (s: Json) => number) => running.reduce((a, s) => a + f(s), 0);
    const ws = sumOf((s) => s.memory_stats.usage - s.memory_stats.stats.total_inactive_file);
    const limit = sumOf((s) => s.memory_stats.limit);
    expect(task.Limits).toBeUndefined();
    expect(snap.task.memoryUsage).toBe(sumOf((s) => s.memory_stats.usage));
    expect(snap.task.memoryWorkingSet).toBe(ws);
    expect(snap.task.memoryLimit).toBe(limit);
    expect(snap.task.memoryUtilization).toBeCloseTo(ws / limit, 12);
    expect(snap.task.cpuUsage).toBeCloseTo(sumOf(vcpu), 12);
    expect(snap.task.networkRxBytes).toBe(sumOf((s) => sumIfaces(s, 'rx_bytes')));
    expect(snap.task.networkTxBytes).toBe(sumOf((s) => sumIfaces(s, 'tx_bytes')));
    expect(snap.task.ephemeralStorageUsage).toBe(task.EphemeralStorageMetrics.Utilized * MIB);
    expect(snap.task.ephemeralStorageLimit).toBe(task.EphemeralStorageMetrics.Reserved * MIB);
  });
});

describe('fargate-stopped-container (awsvpc, sentinel limit, exit code 42)', () => {
  const task = loadFixture('fargate-stopped-container', 'task.json');
  const stats = loadFixture('fargate-stopped-container', 'task-stats.json');
  const snap = snapshotOf('fargate-stopped-container');

  it('skips the stopped container and uses the task size under a sentinel limit', () => {
    const ids = Object.keys(stats).filter((id) => Object.keys(stats[id] ?? {}).length > 0);
    expect(snap.containers.map((c) => c.id)).toEqual(ids);
    const s = stats[ids[0]!];
    expect(s.memory_stats.limit).toBeGreaterThanOrEqual(2 ** 62);
    const taskBytes = task.Limits.Memory * MIB;
    const limit = Math.min(s.memory_stats.stats.hierarchical_memory_limit, taskBytes);
    const c = container(snap, ids[0]!);
    expect(c.memoryLimit).toBe(limit);
    expect(c.memoryUtilization).toBeCloseTo(
      (s.memory_stats.usage - s.memory_stats.stats.total_inactive_file) / limit,
      12,
    );
    // {CPU: 2} is Docker's minimum shares, not a reservation: the task's vCPU applies.
    expect(c.cpuReserved).toBe(task.Limits.CPU);
    expect(c.cpuUtilization).toBeCloseTo(vcpu(s) / task.Limits.CPU, 12);
    expect(snap.task.memoryLimit).toBe(taskBytes);
    expect(snap.task.cpuLimit).toBe(task.Limits.CPU);
    expect(snap.task.cpuUtilization).toBeCloseTo(vcpu(s) / task.Limits.CPU, 12);
  });

  it('awsvpc: no per-container network points; the task ENI once', () => {
    const s = Object.values(stats).find((v: Json) => v?.networks) as Json;
    expect(snap.containers.every((c) => c.networkRxBytes === undefined)).toBe(true);
    expect(snap.task.networkRxBytes).toBe(sumIfaces(s, 'rx_bytes'));
    expect(snap.task.networkTxBytes).toBe(sumIfaces(s, 'tx_bytes'));
  });
});

describe('ec2-awsvpc (pause container, Docker caps an unlimited limit at host RAM)', () => {
  const task = loadFixture('ec2-awsvpc', 'task.json');
  const stats = loadFixture('ec2-awsvpc', 'task-stats.json');
  const snap = snapshotOf('ec2-awsvpc');
  const ids = Object.keys(stats);

  it('takes the smallest real limit: the host cap when the cgroup hierarchy says 2^63', () => {
    for (const id of ids) {
      const s = stats[id];
      const candidates = [s.memory_stats.limit, s.memory_stats.stats.hierarchical_memory_limit];
      const expected = Math.min(...candidates.filter((n: number) => n < 2 ** 62));
      expect(container(snap, id).memoryLimit).toBe(expected);
      // This docs example's stats keys are not the /task DockerIds: the Docker name is used, less its slash.
      expect(metaOf(task, id)).toBeUndefined();
      expect(container(snap, id).name).toBe(s.name.slice(1));
    }
  });

  it('de-duplicates the task ENI: the newest sample, not the sum over containers', () => {
    const newest = ids
      .map((id) => stats[id])
      .sort((a: Json, b: Json) => windowNanos(b.read, a.read))[0];
    const total = ids.reduce((a, id) => a + sumIfaces(stats[id], 'rx_bytes'), 0);
    expect(snap.task.networkRxBytes).toBe(sumIfaces(newest, 'rx_bytes'));
    expect(snap.task.networkTxBytes).toBe(sumIfaces(newest, 'tx_bytes'));
    expect(snap.task.networkRxBytes).toBeLessThan(total);
  });

  it('reservations come from /task: 10 CPU units is 10/1024 vCPU, the pause container (0) has none', () => {
    // Re-key the stats by the /task DockerIds (pause first, then curl, as the Docker names say).
    const pause = task.Containers.find((c: Json) => c.Type === 'CNI_PAUSE');
    const curl = task.Containers.find((c: Json) => c.Type === 'NORMAL');
    const pauseStats = Object.values(stats).find((v: Json) => v.name.includes('pause'));
    const curlStats = Object.values(stats).find((v: Json) => v.name.includes('-curl-'));
    const rekeyed = { [pause.DockerId]: pauseStats, [curl.DockerId]: curlStats };
    const joined = computeSnapshot(task, rekeyed as Json, new PeakTracker(), NOW);
    expect(container(joined, pause.DockerId).cpuReserved).toBeUndefined();
    expect(container(joined, curl.DockerId).cpuReserved).toBe(curl.Limits.CPU / 1024);
    expect(container(joined, curl.DockerId).name).toBe(curl.Name);
    // No task size on this EC2 task, and the pause container has no reservation: no task CPU limit.
    expect(task.Limits).toBeUndefined();
    expect(joined.task.cpuLimit).toBeUndefined();
    expect(snap.task.cpuLimit).toBeUndefined();
    // Without the pause container, every running container is reserved: their sum bounds the task.
    const curlOnly = computeSnapshot(
      task,
      { [curl.DockerId]: curlStats } as Json,
      new PeakTracker(),
      NOW,
    );
    expect(curlOnly.task.cpuLimit).toBe(curl.Limits.CPU / 1024);
  });
});

describe('fargate-2-containers (docs example: stats ids differ from /task ids)', () => {
  const stats = loadFixture('fargate-2-containers', 'task-stats.json');
  const task = loadFixture('fargate-2-containers', 'task.json');
  const snap = snapshotOf('fargate-2-containers');
  const [id] = Object.keys(stats);
  const s = stats[id!];

  it('names a container missing from /task by its stats name and keeps its numbers', () => {
    const c = container(snap, id!);
    expect(c.name).toBe(s.name);
    expect(c.memoryLimit).toBe(
      Math.min(s.memory_stats.stats.hierarchical_memory_limit, task.Limits.Memory * MIB),
    );
    expect(c.cpuUsage).toBeCloseTo(vcpu(s), 12);
    // No own reservation known (not in /task): the task vCPU.
    expect(c.cpuReserved).toBe(task.Limits.CPU);
    expect(c.uptime).toBeUndefined();
  });

  it('task network from eth1 once; ephemeral storage', () => {
    expect(snap.task.networkRxBytes).toBe(s.networks.eth1.rx_bytes);
    expect(snap.task.ephemeralStorageUsage).toBe(task.EphemeralStorageMetrics.Utilized * MIB);
  });
});

describe('fargate-empty-precpu (first sample)', () => {
  const stats = loadFixture('fargate-empty-precpu', 'task-stats.json');
  const snap = snapshotOf('fargate-empty-precpu');
  const [id] = Object.keys(stats);
  const s = stats[id!];

  it('emits no CPU rate when precpu is empty, but the cumulative CPU time', () => {
    expect(s.precpu_stats.cpu_usage.total_usage).toBe(0);
    const c = container(snap, id!);
    expect(c.cpuUsage).toBeUndefined();
    expect(c.cpuUtilization).toBeUndefined();
    expect(c.cpuTime).toBe(s.cpu_stats.cpu_usage.total_usage / 1e9);
    expect(snap.task.cpuUsage).toBeUndefined();
    expect(snap.task.cpuUtilization).toBeUndefined();
  });
});

describe('managed-instances-cgroupv2', () => {
  const task = loadFixture('managed-instances-cgroupv2', 'task.json');
  const stats = loadFixture('managed-instances-cgroupv2', 'task-stats.json');
  const [id] = Object.keys(stats);
  const s = stats[id!];

  it('v2 working set is usage - inactive_file; the 2^64-1 limit falls back to the task size', () => {
    const c = container(snapshotOf('managed-instances-cgroupv2'), id!);
    expect(s.memory_stats.stats.anon).toBeDefined();
    const ws = s.memory_stats.usage - s.memory_stats.stats.inactive_file;
    expect(c.memoryWorkingSet).toBe(ws);
    expect(c.memoryLimit).toBe(task.Limits.Memory * MIB);
    expect(c.memoryUtilization).toBeCloseTo(ws / (task.Limits.Memory * MIB), 12);
  });

  it('lower-case blkio ops are counted; null arrays elsewhere are fine', () => {
    const c = container(snapshotOf('managed-instances-cgroupv2'), id!);
    expect(c.diskReadBytes).toBe(blkio(s, 'read'));
    expect(c.diskWriteBytes).toBe(blkio(s, 'write'));
    expect(c.diskReadBytes).toBeGreaterThan(0);
  });

  it('no networks: no network points', () => {
    const snap = snapshotOf('managed-instances-cgroupv2');
    expect(container(snap, id!).networkRxBytes).toBeUndefined();
    expect(snap.task.networkRxBytes).toBeUndefined();
  });

  it('no max_usage on v2: the peak is the highest usage this process observed', () => {
    const peaks = new PeakTracker();
    const first = container(snapshotOf('managed-instances-cgroupv2', peaks), id!);
    expect(first.memoryUsageMax).toBe(s.memory_stats.usage);
    expect(first.memoryUsageMaxSource).toBe('observed');
    const lower = structuredClone(stats);
    lower[id!].memory_stats.usage = s.memory_stats.usage - 1000;
    const second = computeSnapshot(task, lower, peaks, NOW).containers[0]!;
    expect(second.memoryUsage).toBe(s.memory_stats.usage - 1000);
    expect(second.memoryUsageMax).toBe(s.memory_stats.usage);
  });
});

describe('managed-instances-tasks (/tasks and /tasks/stats of a daemon)', () => {
  const tasks = loadFixture('managed-instances-tasks', 'tasks.json') as Json[];
  const allStats = loadFixture('managed-instances-tasks', 'tasks-stats.json') as Json[];

  it('computes each task on its own', () => {
    expect(allStats.length).toBe(tasks.length);
    for (const stats of allStats) {
      const [id] = Object.keys(stats);
      const task = tasks.find((t) => t.Containers.some((c: Json) => c.DockerId === id))!;
      const snap = computeSnapshot(task, stats, new PeakTracker(), NOW);
      const s = stats[id!];
      const c = container(snap, id!);
      // cgroup v2 without inactive_file or cache: nothing to subtract.
      const m = s.memory_stats.stats;
      const reclaimable = m.inactive_file ?? m.cache ?? 0;
      expect(c.memoryWorkingSet).toBe(Math.max(0, s.memory_stats.usage - reclaimable));
      expect(c.memoryLimit).toBe(task.Limits.Memory * MIB);
      expect(snap.task.cpuLimit).toBe(task.Limits.CPU);
      expect(c.cpuUsage).toBeCloseTo(vcpu(s), 12);
    }
  });
});

describe.skipIf(!hasShared)('agent-rendered (shared fixtures)', () => {
  it('a mostly-zero stats object with zero times gives no CPU rate and no invented points', () => {
    const task = loadFixture('agent-rendered', 'task.json', SHARED_FIXTURES_DIR);
    const stats = loadFixture('agent-rendered', 'task-stats.json', SHARED_FIXTURES_DIR);
    const snap = computeSnapshot(task, stats, new PeakTracker(), NOW);
    for (const c of snap.containers) {
      expect(c.cpuUsage).toBeUndefined();
      for (const v of Object.values(c))
        if (typeof v === 'number') expect(v).toBeGreaterThanOrEqual(0);
    }
  });
});
if (!hasShared) {
  // One clear line for a fresh clone without ../shared.
  process.stderr.write(
    'skip: ../shared/fixtures/tmds is absent, agent-rendered scenario not tested\n',
  );
}
