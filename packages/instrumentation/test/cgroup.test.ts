import { describe, expect, it } from 'vitest';
import {
  CgroupMemoryReader,
  locateMemoryCgroup,
  memoryReading,
  parseKeyedFile,
  parseProcCgroup,
  parseSingleValue,
  type ReadTextFile,
} from '../src/cgroup.js';

// /proc/self/cgroup of a process in a nested v1 memory cgroup (hybrid host), and of a v2-only container.
const HYBRID = `9:name=systemd:/
4:memory:/process_api/abc
2:cpu,cpuacct:/
0::/
`;
const V2_ONLY = '0::/ecs/task/container\n';

const V1_STAT = `cache 4096
rss 1048576
total_cache 8192
total_inactive_file 12288
inactive_file 4096
hierarchical_memory_limit 9223372036854771712
`;
const V2_STAT = `anon 2097152
file 65536
inactive_file 16384
active_file 49152
`;

function files(map: Record<string, string>): ReadTextFile {
  return (path) => map[path];
}

describe('parsing', () => {
  it('reads v1 controllers (comma lists) and the v2 path from /proc/self/cgroup', () => {
    const parsed = parseProcCgroup(HYBRID);
    expect(parsed.v1.get('memory')).toBe('/process_api/abc');
    expect(parsed.v1.get('cpu')).toBe('/');
    expect(parsed.v1.get('cpuacct')).toBe('/');
    expect(parsed.v1.get('name=systemd')).toBe('/');
    expect(parsed.v2).toBe('/');
    expect(parseProcCgroup(V2_ONLY)).toEqual({ v1: new Map(), v2: '/ecs/task/container' });
  });

  it('parses keyed files, skipping malformed lines', () => {
    expect(parseKeyedFile('a 1\nb 22\nbroken\nc x\nd 1 2\n')).toEqual({ a: 1, b: 22 });
  });

  it("parses single values; v2's max is no value", () => {
    expect(parseSingleValue('123\n')).toBe(123);
    expect(parseSingleValue('max\n')).toBeUndefined();
    expect(parseSingleValue(undefined)).toBeUndefined();
    expect(parseSingleValue('')).toBeUndefined();
  });

  it('computes the working set as usage minus inactive file pages (v1: total_inactive_file)', () => {
    const usage = 5_000_000;
    const v1 = memoryReading(1, { usage: `${usage}\n`, peak: '6000000\n', stat: V1_STAT });
    expect(v1).toEqual({ usage, workingSet: usage - 12288, peak: 6_000_000 });
    const v2 = memoryReading(2, { usage: `${usage}\n`, stat: V2_STAT });
    expect(v2).toEqual({ usage, workingSet: usage - 16384 });
    expect(memoryReading(2, { usage: 'max' })).toBeUndefined();
  });
});

describe('locating the own memory cgroup', () => {
  it('takes the nested v1 path under the mount when it is readable', () => {
    const read = files({
      '/proc/self/cgroup': HYBRID,
      '/sys/fs/cgroup/memory/process_api/abc/memory.usage_in_bytes': '100\n',
      '/sys/fs/cgroup/memory/memory.usage_in_bytes': '999\n',
    });
    expect(locateMemoryCgroup({ read })).toEqual({
      version: 1,
      dir: '/sys/fs/cgroup/memory/process_api/abc',
    });
  });

  it("inside a container falls back to the mount itself (the host's path is not visible)", () => {
    const read = files({
      '/proc/self/cgroup': '4:memory:/ecs/task/container\n',
      '/sys/fs/cgroup/memory/memory.usage_in_bytes': '100\n',
    });
    expect(locateMemoryCgroup({ read })).toEqual({ version: 1, dir: '/sys/fs/cgroup/memory' });
    const v2 = files({ '/proc/self/cgroup': V2_ONLY, '/sys/fs/cgroup/memory.current': '1\n' });
    expect(locateMemoryCgroup({ read: v2 })).toEqual({ version: 2, dir: '/sys/fs/cgroup' });
  });

  it('finds nothing without /proc/self/cgroup or readable files (not Linux, no access)', () => {
    expect(locateMemoryCgroup({ read: files({}) })).toBeUndefined();
    expect(locateMemoryCgroup({ read: files({ '/proc/self/cgroup': V2_ONLY }) })).toBeUndefined();
  });

  it('reads the v2 files, memory.peak where the kernel has it', () => {
    const dir = '/sys/fs/cgroup/ecs/task/container';
    const map: Record<string, string> = {
      [`${dir}/memory.current`]: '2000\n',
      [`${dir}/memory.stat`]: 'anon 1000\ninactive_file 500\n',
    };
    const reader = new CgroupMemoryReader({ version: 2, dir }, files(map));
    expect(reader.read()).toEqual({ usage: 2000, workingSet: 1500 });
    map[`${dir}/memory.peak`] = '4000\n';
    expect(reader.read()).toEqual({ usage: 2000, workingSet: 1500, peak: 4000 });
  });
});
