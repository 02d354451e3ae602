import { describe, expect, it } from 'vitest';
import {
  parseBlkio,
  parseKeyValues,
  parseProcStat,
  renderCpuStats,
  renderMemoryStats,
} from '../src/docker-stats.js';
import { parseLossless, stringifyLossless } from '../src/lossless-json.js';

// Kernel file texts as a v1 host writes them.
const BLKIO = `8:0 Read 4096
8:0 Write 8192
8:0 Sync 12288
8:0 Async 0
8:0 Discard 0
8:0 Total 12288
Total 12288
`;
const PROC_STAT = `cpu  100 2 30 4000 5 0 6 0 0 0
cpu0 50 1 15 2000 2 0 3 0 0 0
cpu1 50 1 15 2000 3 0 3 0 0 0
intr 12345
`;

describe('Docker stats from kernel files', () => {
  it('blkio entries per device line, without the closing Total line', () => {
    const entries = parseBlkio(BLKIO);
    expect(entries).toHaveLength(6);
    expect(entries[0]).toEqual({ major: 8, minor: 0, op: 'Read', value: 4096 });
    expect(entries.map((e) => e.op)).toEqual([
      'Read',
      'Write',
      'Sync',
      'Async',
      'Discard',
      'Total',
    ]);
  });

  it('system_cpu_usage is the first 8 fields of the cpu line in ns (ticks of 1/100 s); cpuN lines are online CPUs', () => {
    const ticks = 100 + 2 + 30 + 4000 + 5 + 0 + 6 + 0;
    expect(parseProcStat(PROC_STAT)).toEqual({ systemNanos: ticks * 1e7, onlineCpus: 2 });
  });

  it('cpu_stats: cpuacct.usage, per-CPU usage, user/system ticks in ns, no throttling', () => {
    const cpu = renderCpuStats({
      cpuacctUsage: '123456789\n',
      cpuacctUsagePercpu: '100000000 23456789 \n',
      cpuacctStat: 'user 9\nsystem 3\n',
      procStat: PROC_STAT,
    });
    expect(cpu.cpu_usage).toEqual({
      total_usage: 123456789,
      percpu_usage: [100000000, 23456789],
      usage_in_usermode: 9 * 1e7,
      usage_in_kernelmode: 3 * 1e7,
    });
    expect(cpu.online_cpus).toBe(2);
    expect(cpu.throttling_data).toEqual({ periods: 0, throttled_periods: 0, throttled_time: 0 });
  });

  it('memory_stats: the files as they are, the unlimited sentinel exact, limit capped at the machine', () => {
    const machine = 8 * 1024 ** 3;
    const memory = renderMemoryStats(
      {
        memoryUsage: '5000\n',
        memoryMaxUsage: '9000\n',
        memoryFailcnt: '2\n',
        memoryLimit: '9223372036854771712\n',
        memoryStat:
          'rss 4096\ntotal_inactive_file 1024\nhierarchical_memory_limit 9223372036854771712\n',
      },
      machine,
    );
    expect(memory).toMatchObject({ usage: 5000, max_usage: 9000, failcnt: 2, limit: machine });
    const text = stringifyLossless(memory);
    expect(text).toContain('"hierarchical_memory_limit":9223372036854771712');
    expect(parseLossless(text)).toBeTruthy();
    expect(parseKeyValues('a 1\nbad\nb x\n')).toEqual({ a: 1 });
  });
});
