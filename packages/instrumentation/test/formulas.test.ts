import { describe, expect, it } from 'vitest';
import {
  cpuUsageVcpu,
  diskBytes,
  effectiveMemoryLimit,
  hasStats,
  isCgroupV2,
  memoryWorkingSet,
  networkBytes,
  realLimit,
  UNLIMITED_THRESHOLD,
} from '../src/formulas.js';
import { diffNanos, parseNanoTime } from '../src/time.js';
import { loadFixture, windowNanos } from './fixtures.js';

describe('limits and sentinels', () => {
  it('treats 2^63 (as JSON gives it) and 2^64-1 as no limit, and keeps real ones exact', () => {
    const parsed = JSON.parse('[9223372036854771712, 18446744073709551615, 9223372036854772000]');
    for (const sentinel of parsed) {
      expect(sentinel).toBeGreaterThanOrEqual(UNLIMITED_THRESHOLD);
      expect(realLimit(sentinel)).toBeUndefined();
    }
    expect(realLimit(536870912)).toBe(536870912);
    expect(realLimit(2 ** 62 - 4096)).toBe(2 ** 62 - 4096);
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '536870912', null, undefined]) {
      expect(realLimit(bad)).toBeUndefined();
    }
  });

  it('effective limit is undefined when everything is unlimited and there is no task size', () => {
    const stats = {
      memory_stats: { usage: 1, limit: 2 ** 63, stats: { hierarchical_memory_limit: 2 ** 63 } },
    };
    expect(effectiveMemoryLimit(stats, undefined)).toBeUndefined();
    expect(effectiveMemoryLimit(stats, { Limits: { Memory: 256 } })).toBe(256 * 1024 * 1024);
  });
});

describe('working set', () => {
  it('never goes below 0 when inactive_file exceeds usage', () => {
    expect(
      memoryWorkingSet({ memory_stats: { usage: 10, stats: { total_inactive_file: 50 } } }),
    ).toBe(0);
  });

  it('falls back to cache when there is no inactive_file key, and to usage when neither exists', () => {
    expect(memoryWorkingSet({ memory_stats: { usage: 100, stats: { cache: 30 } } })).toBe(70);
    expect(memoryWorkingSet({ memory_stats: { usage: 100, stats: {} } })).toBe(100);
    expect(memoryWorkingSet({ memory_stats: {} })).toBeUndefined();
  });

  it('uses inactive_file on v2 even when a total_ key is present', () => {
    const v2 = {
      memory_stats: { usage: 100, stats: { anon: 1, inactive_file: 10, total_inactive_file: 90 } },
    };
    expect(isCgroupV2(v2)).toBe(true);
    expect(memoryWorkingSet(v2)).toBe(90);
  });
});

describe('CPU rate', () => {
  it("ec2-bridge-container-stats: a 1 s window from the agent's `/stats`", () => {
    const s = loadFixture('ec2-bridge-container-stats', 'stats.json');
    const expected =
      (s.cpu_stats.cpu_usage.total_usage - s.precpu_stats.cpu_usage.total_usage) /
      windowNanos(s.read, s.preread);
    expect(cpuUsageVcpu(s)).toBeCloseTo(expected, 12);
    expect(windowNanos(s.read, s.preread)).toBeGreaterThan(0.9e9);
    expect(windowNanos(s.read, s.preread)).toBeLessThan(1.1e9);
  });

  it('gives no rate for a zero preread, a counter reset or a zero-length window', () => {
    const base = {
      read: '2024-01-01T00:00:10Z',
      preread: '2024-01-01T00:00:00Z',
      cpu_stats: { cpu_usage: { total_usage: 5e9 } },
      precpu_stats: { cpu_usage: { total_usage: 4e9 } },
    };
    expect(cpuUsageVcpu(base)).toBeCloseTo(0.1, 12);
    expect(cpuUsageVcpu({ ...base, preread: '0001-01-01T00:00:00Z' })).toBeUndefined();
    expect(
      cpuUsageVcpu({ ...base, precpu_stats: { cpu_usage: { total_usage: 6e9 } } }),
    ).toBeUndefined();
    expect(cpuUsageVcpu({ ...base, preread: base.read })).toBeUndefined();
    expect(cpuUsageVcpu({ ...base, precpu_stats: {} })).toBeUndefined();
  });

  it('keeps nanosecond precision across seconds', () => {
    const a = parseNanoTime('2020-10-08T21:24:44.938937019Z')!;
    const b = parseNanoTime('2020-10-08T21:24:34.938633969Z')!;
    expect(diffNanos(a, b)).toBe(10_000_303_050);
    expect(parseNanoTime('0001-01-01T00:00:00Z')).toBeUndefined();
    expect(parseNanoTime('yesterday')).toBeUndefined();
  });
});

describe('disk and network accessors on odd input', () => {
  it('sums ops case-insensitively and ignores Sync/Async/Total', () => {
    const entries = [
      { op: 'Read', value: 1 },
      { op: 'read', value: 2 },
      { op: 'WRITE', value: 4 },
      { op: 'Total', value: 7 },
      { op: 'Sync', value: 3 },
      { op: 'read', value: 'x' },
      null,
    ];
    expect(diskBytes({ blkio_stats: { io_service_bytes_recursive: entries as never } })).toEqual({
      read: 3,
      write: 4,
    });
    expect(diskBytes({ blkio_stats: { io_service_bytes_recursive: null } })).toBeUndefined();
  });

  it('no networks object: no value; interfaces without counters are skipped', () => {
    expect(networkBytes({})).toBeUndefined();
    expect(networkBytes({ networks: { eth0: {} } })).toBeUndefined();
    expect(networkBytes({ networks: { eth0: { rx_bytes: 5 }, eth1: { tx_bytes: 6 } } })).toEqual({
      rx: 5,
      tx: 6,
    });
  });

  it('recognises a stopped container ({} or null) and a running one', () => {
    expect(hasStats({})).toBe(false);
    expect(hasStats(null)).toBe(false);
    expect(hasStats({ memory_stats: {} })).toBe(true);
  });
});
