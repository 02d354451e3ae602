/*
 * Our numbers against what the collector's awsecscontainermetrics receiver computes for the same fixtures
 * (../shared/reference/collector-receiver-expected.json): every "same" and every documented difference of
 * docs/metrics.md, checked.
 */
import { existsSync, readFileSync } from 'node:fs';
import { computeSnapshot, PeakTracker, type TaskSnapshot } from '@ecs-task-metrics/instrumentation';
import { describe, expect, it } from 'vitest';

const REFERENCE = new URL(
  '../../shared/reference/collector-receiver-expected.json',
  import.meta.url,
);
const FIXTURES = new URL('../packages/tmds-emulator/fixtures/', import.meta.url);
const hasReference = existsSync(REFERENCE);
if (!hasReference)
  process.stderr.write('skip: ../shared/reference is absent, receiver comparison not run\n');
type Json = any;
const read = (url: URL): Json => JSON.parse(readFileSync(url, 'utf8'));
const MIB = 1024 * 1024;

function ours(scenario: string): TaskSnapshot {
  return computeSnapshot(
    read(new URL(`${scenario}/task.json`, FIXTURES)),
    read(new URL(`${scenario}/task-stats.json`, FIXTURES)),
    new PeakTracker(),
    Date.now(),
  );
}

describe.skipIf(!hasReference)('against the awsecscontainermetrics receiver', () => {
  const reference = hasReference ? read(REFERENCE) : {};

  it.each(['ec2-bridge-3-containers', 'fargate-stopped-container'])(
    '%s: the same quantities agree',
    (scenario) => {
      const snap = ours(scenario);
      const ref = reference[scenario];
      for (const c of snap.containers) {
        const r = ref.containers.find((x: Json) => x.name === c.name).metrics;
        const v = (name: string) => r[name].value;
        expect(c.memoryUsage).toBe(v('container.memory.usage'));
        expect(c.memoryUsageMax).toBe(v('container.memory.usage.max'));
        expect(c.cpuTime! * 1e9).toBeCloseTo(v('container.cpu.usage.total'), 0);
        expect(c.diskReadBytes).toBe(v('container.storage.read_bytes'));
        expect(c.diskWriteBytes).toBe(v('container.storage.write_bytes'));
      }
      const t = (name: string) => ref.task[name].value;
      expect(snap.task.memoryUsage).toBe(t('ecs.task.memory.usage'));
      expect(snap.task.ephemeralStorageUsage ?? 0).toBe(
        t('ecs.task.ephemeral_storage.utilized') * MIB,
      );
      expect(snap.task.ephemeralStorageLimit ?? 0).toBe(
        t('ecs.task.ephemeral_storage.reserved') * MIB,
      );
    },
  );

  it('task CPU reservation: the receiver in CPU units, ours in vCPU, and none unless every container has one', () => {
    const fargate = ours('fargate-stopped-container');
    const fargateRef = reference['fargate-stopped-container'].task;
    expect(fargate.task.cpuLimit).toBeCloseTo(fargateRef['ecs.task.cpu.reserved'].value / 1024, 12);
    // nginx300 has CPU 0: the receiver still sums the other's 100 units; we report no task limit.
    const bridge = ours('ec2-bridge-3-containers');
    expect(reference['ec2-bridge-3-containers'].task['ecs.task.cpu.reserved'].value).toBe(100);
    expect(bridge.task.cpuLimit).toBeUndefined();
  });

  it('bridge: per-container network equals the receiver; the task sums containers', () => {
    const snap = ours('ec2-bridge-3-containers');
    const ref = reference['ec2-bridge-3-containers'];
    for (const c of snap.containers) {
      const r = ref.containers.find((x: Json) => x.name === c.name).metrics;
      expect(c.networkRxBytes).toBe(r['container.network.io.usage.rx_bytes'].value);
      expect(c.networkTxBytes).toBe(r['container.network.io.usage.tx_bytes'].value);
    }
    expect(snap.task.networkRxBytes).toBe(ref.task['ecs.task.network.io.usage.rx_bytes'].value);
    expect(snap.task.memoryLimit).toBe(ref.task['ecs.task.memory.usage.limit'].value);
  });

  it('documented differences: "no limit" exported raw by the receiver, the task size by us', () => {
    const snap = ours('fargate-stopped-container');
    const ref = reference['fargate-stopped-container'];
    const r = ref.containers.find((x: Json) => x.name === 'essential').metrics;
    expect(r['container.memory.usage.limit'].value).toBeGreaterThanOrEqual(2 ** 62);
    expect(ref.task['ecs.task.memory.usage.limit'].value).toBeGreaterThanOrEqual(2 ** 62);
    const c = snap.containers.find((x) => x.name === 'essential')!;
    expect(c.memoryLimit).toBe(512 * MIB);
    expect(snap.task.memoryLimit).toBe(ref.task['ecs.task.memory.reserved'].value * MIB);
  });

  it('CPU rate: both 0 where the window saw no CPU time (these fixtures idle)', () => {
    for (const scenario of ['ec2-bridge-3-containers', 'fargate-stopped-container']) {
      const stats = read(new URL(`${scenario}/task-stats.json`, FIXTURES));
      for (const c of ours(scenario).containers) {
        const r = reference[scenario].containers.find((x: Json) => x.name === c.name).metrics;
        const s = stats[c.id];
        const delta = s.cpu_stats.cpu_usage.total_usage - s.precpu_stats.cpu_usage.total_usage;
        expect(delta).toBe(0);
        expect(c.cpuUsage).toBe(0);
        expect(r['container.cpu.usage.vcpu'].value).toBe(0);
      }
    }
  });

  it('documented differences: the receiver reports stopped containers only as a duration', () => {
    const ref = reference['fargate-stopped-container'];
    const stopped = ref.containers.find((x: Json) => x.name === 'non');
    expect(Object.keys(stopped.metrics)).toEqual(['container.duration']);
    expect(ours('fargate-stopped-container').containers.some((c) => c.name === 'non')).toBe(false);
  });
});
