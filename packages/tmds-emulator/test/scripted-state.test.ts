import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { startTmdsEmulator, type TmdsEmulator } from '../src/index.js';
import { fixtureBytes, fixtureJson, getJson, plusWholeSeconds } from './fixtures.js';

let emu: TmdsEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

async function start(scenario: string): Promise<TmdsEmulator> {
  emu = await startTmdsEmulator({ scenario });
  return emu;
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

describe('lossless numbers', () => {
  it.each([
    ['fargate-stopped-container', '9223372036854771712'],
    ['managed-instances-cgroupv2', '18446744073709551615'],
  ])('%s: the %s limit sentinel survives advance()', async (scenario, sentinel) => {
    const e = await start(scenario);
    expect(fixtureBytes(scenario, 'task-stats.json').toString()).toContain(sentinel);
    e.advance(10);
    const text = await (await fetch(`${e.url}/task/stats`)).text();
    expect(text).not.toBe(fixtureBytes(scenario, 'task-stats.json').toString());
    expect(text).toContain(`"limit":${sentinel}`);
  });
});

describe('advance()', () => {
  it('moves a Fargate sample forward by the documented deltas', async () => {
    const scenario = 'fargate-2-containers';
    const e = await start(scenario);
    const id = Object.keys(fixtureJson(scenario, 'task-stats.json'))[0] as string;
    const before = fixtureJson(scenario, 'task-stats.json')[id];
    const s = 7;
    e.advance(s);
    const after = (await getJson(`${e.url}/task/stats`))[id];
    const d = e.deltas;

    expect(after.preread).toBe(before.read);
    expect(after.read).toBe(plusWholeSeconds(before.read, s));
    expect(after.precpu_stats).toEqual(before.cpu_stats);

    const cpuNanos = Math.round(d.cpuVcpu * s * 1e9);
    const user = Math.round(cpuNanos * d.userModeShare);
    const usage = after.cpu_stats.cpu_usage;
    expect(usage.total_usage).toBe(before.cpu_stats.cpu_usage.total_usage + cpuNanos);
    expect(usage.usage_in_usermode).toBe(before.cpu_stats.cpu_usage.usage_in_usermode + user);
    expect(usage.usage_in_kernelmode).toBe(
      before.cpu_stats.cpu_usage.usage_in_kernelmode + cpuNanos - user,
    );
    expect(sum(usage.percpu_usage)).toBe(sum(before.cpu_stats.cpu_usage.percpu_usage) + cpuNanos);
    // Spread over online CPUs only.
    const online = before.cpu_stats.online_cpus;
    expect(usage.percpu_usage.slice(online)).toEqual(
      before.cpu_stats.cpu_usage.percpu_usage.slice(online),
    );
    expect(after.cpu_stats.system_cpu_usage).toBe(
      before.cpu_stats.system_cpu_usage + s * 1e9 * online,
    );

    const interfaces = Object.keys(before.networks);
    for (const name of interfaces) {
      expect(after.networks[name].rx_bytes).toBe(
        before.networks[name].rx_bytes + d.rxBytesPerSecond * s,
      );
      expect(after.networks[name].tx_bytes).toBe(
        before.networks[name].tx_bytes + d.txBytesPerSecond * s,
      );
      expect(after.networks[name].rx_packets).toBe(
        before.networks[name].rx_packets + d.rxPacketsPerSecond * s,
      );
    }
    expect(after.network_rate_stats.rx_bytes_per_sec).toBeCloseTo(
      d.rxBytesPerSecond * interfaces.length,
      9,
    );
    expect(after.network_rate_stats.tx_bytes_per_sec).toBeCloseTo(
      d.txBytesPerSecond * interfaces.length,
      9,
    );

    const bytes = (entry: typeof before, op: string) =>
      entry.blkio_stats.io_service_bytes_recursive.find((x: { op: string }) => x.op === op).value;
    expect(bytes(after, 'Read')).toBe(bytes(before, 'Read') + d.blkioReadBytesPerSecond * s);
    expect(bytes(after, 'Write')).toBe(bytes(before, 'Write') + d.blkioWriteBytesPerSecond * s);
    expect(bytes(after, 'Total')).toBe(
      bytes(before, 'Total') + (d.blkioReadBytesPerSecond + d.blkioWriteBytesPerSecond) * s,
    );
    expect(after.memory_stats).toEqual(before.memory_stats);
  });

  it('keeps the case of lower-case cgroup v2 blkio ops and adds to the first device only', async () => {
    const scenario = 'managed-instances-cgroupv2';
    const e = await start(scenario);
    const id = Object.keys(fixtureJson(scenario, 'task-stats.json'))[0] as string;
    const before = fixtureJson(scenario, 'task-stats.json')[id].blkio_stats
      .io_service_bytes_recursive;
    e.advance(10);
    const after = (await getJson(`${e.url}/task/stats`))[id].blkio_stats.io_service_bytes_recursive;
    const first = `${before[0].major}:${before[0].minor}`;
    before.forEach(
      (entry: { major: number; minor: number; op: string; value: number }, i: number) => {
        const expected =
          `${entry.major}:${entry.minor}` !== first
            ? entry.value
            : entry.value +
              10 *
                (entry.op === 'read'
                  ? e.deltas.blkioReadBytesPerSecond
                  : e.deltas.blkioWriteBytesPerSecond);
        expect(after[i]).toEqual({ ...entry, value: expected });
      },
    );
  });

  it('turns an empty precpu into the previous sample on the first step', async () => {
    const scenario = 'fargate-empty-precpu';
    const e = await start(scenario);
    const id = Object.keys(fixtureJson(scenario, 'task-stats.json'))[0] as string;
    const before = fixtureJson(scenario, 'task-stats.json')[id];
    expect(before.precpu_stats.cpu_usage.total_usage).toBe(0);
    e.advance();
    const after = (await getJson(`${e.url}/task/stats`))[id];
    expect(after.precpu_stats).toEqual(before.cpu_stats);
    expect(after.precpu_stats.cpu_usage.total_usage).toBeGreaterThan(0);
    expect(after.cpu_stats.cpu_usage.total_usage - after.precpu_stats.cpu_usage.total_usage).toBe(
      Math.round(e.deltas.cpuVcpu * 10 * 1e9),
    );
    // This platform reported no system CPU time; the emulator does not invent one.
    expect(after.cpu_stats).not.toHaveProperty('system_cpu_usage');
    expect(after).not.toHaveProperty('network_rate_stats');
  });

  it('keeps the task ENI counters equal across awsvpc containers', async () => {
    const scenario = 'ec2-awsvpc';
    const e = await start(scenario);
    e.advance(10);
    e.restartContainer('curl');
    e.advance(5);
    type Entry = { networks: { eth0: { rx_bytes: number } } };
    const entries = Object.values(await getJson(`${e.url}/task/stats`)) as Entry[];
    expect(entries.length).toBe(2);
    const [first, second] = entries as [Entry, Entry];
    expect(first.networks).toEqual(second.networks);
    const fixtureFirst = Object.values(fixtureJson(scenario, 'task-stats.json'))[0] as Entry;
    expect(first.networks.eth0.rx_bytes).toBe(
      fixtureFirst.networks.eth0.rx_bytes + 15 * e.deltas.rxBytesPerSecond,
    );
  });

  it('advances /stats and the Managed Instances /tasks/stats too', async () => {
    let e = await start('ec2-bridge-container-stats');
    const single = fixtureJson('ec2-bridge-container-stats', 'stats.json');
    e.advance(1);
    const stats = await getJson(`${e.url}/stats`);
    expect(stats.cpu_stats.cpu_usage.total_usage).toBe(
      single.cpu_stats.cpu_usage.total_usage + Math.round(e.deltas.cpuVcpu * 1e9),
    );
    await e.close();

    e = await start('managed-instances-tasks');
    const tasks = fixtureJson('managed-instances-tasks', 'tasks-stats.json');
    e.advance(2);
    const served = await getJson(`${e.origin}/tasks/stats`);
    tasks.forEach((map: Record<string, { read: string }>, i: number) => {
      for (const [id, entry] of Object.entries(map)) {
        expect(served[i][id].preread).toBe(entry.read);
      }
    });
  });

  it('uses a per-container vCPU rate from options or setCpuVcpu()', async () => {
    const scenario = 'ec2-bridge-3-containers';
    emu = await startTmdsEmulator({ scenario, deltas: { cpuVcpuByContainer: { nginx100: 1 } } });
    const task = fixtureJson(scenario, 'task.json');
    const idOf = (name: string) =>
      task.Containers.find((c: { Name: string }) => c.Name === name).DockerId as string;
    emu.setCpuVcpu(idOf('nginx300'), 0.5);
    const before = fixtureJson(scenario, 'task-stats.json');
    emu.advance(2);
    const after = await getJson(`${emu.url}/task/stats`);
    const grew = (name: string) =>
      after[idOf(name)].cpu_stats.cpu_usage.total_usage -
      before[idOf(name)].cpu_stats.cpu_usage.total_usage;
    expect(grew('nginx100')).toBe(2e9);
    expect(grew('nginx300')).toBe(1e9);
  });

  it('accumulates any sequence of steps exactly, sentinel intact', async () => {
    const scenario = 'fargate-stopped-container';
    const stats = fixtureJson(scenario, 'task-stats.json');
    const [id, before] = Object.entries(stats).find(
      ([, v]) => Object.keys(v as object).length > 0,
    ) as [string, { read: string; cpu_stats: { cpu_usage: { total_usage: number } } }];
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 120 }), { minLength: 1, maxLength: 6 }),
        async (steps) => {
          const e = await startTmdsEmulator({ scenario });
          try {
            for (const step of steps) e.advance(step);
            const text = await (await fetch(`${e.url}/task/stats`)).text();
            expect(text).toContain('9223372036854771712');
            const after = JSON.parse(text)[id];
            const total = steps.reduce((a, b) => a + b, 0);
            expect(after.read).toBe(plusWholeSeconds(before.read, total));
            expect(after.preread).toBe(
              plusWholeSeconds(before.read, total - (steps.at(-1) as number)),
            );
            expect(after.cpu_stats.cpu_usage.total_usage).toBe(
              before.cpu_stats.cpu_usage.total_usage +
                steps.reduce((a, s) => a + Math.round(e.deltas.cpuVcpu * s * 1e9), 0),
            );
          } finally {
            await e.close();
          }
        },
      ),
      { numRuns: 15 },
    );
  });

  it('rejects a non-positive step', async () => {
    const e = await start('fargate-2-containers');
    expect(() => e.advance(0)).toThrow(RangeError);
  });
});

describe('container lifecycle', () => {
  const scenario = 'ec2-bridge-3-containers';
  const task = () => fixtureJson(scenario, 'task.json');
  const idOf = (name: string) =>
    task().Containers.find((c: { Name: string }) => c.Name === name).DockerId as string;
  const containerIn = (t: { Containers: { Name: string }[] }, name: string) =>
    t.Containers.find((c) => c.Name === name) as Record<string, unknown>;

  it('stops a container: {} in task stats, STOPPED with ExitCode in /task, frozen by advance', async () => {
    const e = await start(scenario);
    e.stopContainer('nginx100');
    e.advance();
    const stats = await getJson(`${e.url}/task/stats`);
    expect(stats[idOf('nginx100')]).toEqual({});
    const t = await getJson(`${e.url}/task`);
    expect(containerIn(t, 'nginx100')).toMatchObject({ KnownStatus: 'STOPPED', ExitCode: 137 });
    expect(containerIn(t, 'nginx300').KnownStatus).toBe('RUNNING');

    e.startContainer(idOf('nginx100'));
    const restarted = await getJson(`${e.url}/task/stats`);
    expect(restarted[idOf('nginx100')]).toEqual(
      fixtureJson(scenario, 'task-stats.json')[idOf('nginx100')],
    );
    const t2 = await getJson(`${e.url}/task`);
    expect(containerIn(t2, 'nginx100').KnownStatus).toBe('RUNNING');
    expect(containerIn(t2, 'nginx100')).not.toHaveProperty('ExitCode');
  });

  it('finds containers by Docker stats name and takes a custom exit code', async () => {
    const e = await start(scenario);
    const statsName = fixtureJson(scenario, 'task-stats.json')[idOf('nginx300')].name as string;
    e.stopContainer(statsName, { exitCode: 1 });
    expect(containerIn(await getJson(`${e.url}/task`), 'nginx300').ExitCode).toBe(1);
    expect(() => e.stopContainer('nope')).toThrow(/no container named 'nope'/);
  });

  it('starts a container the fixture shows stopped with a first sample', async () => {
    const e = await start(scenario);
    const id = idOf('nginx200');
    expect(fixtureJson(scenario, 'task-stats.json')[id]).toEqual({});
    e.startContainer('nginx200');
    const entry = (await getJson(`${e.url}/task/stats`))[id];
    expect(entry.id).toBe(id);
    expect(entry.cpu_stats.cpu_usage.total_usage).toBe(e.deltas.restartCpuNanos);
    expect(entry.precpu_stats.cpu_usage.total_usage).toBe(0);
    const t = await getJson(`${e.url}/task`);
    expect(containerIn(t, 'nginx200').KnownStatus).toBe('RUNNING');
  });

  it('restarts a bridge container: counters start again, RestartCount + 1', async () => {
    const e = await start(scenario);
    const id = idOf('nginx300');
    const before = fixtureJson(scenario, 'task-stats.json')[id];
    e.restartContainer('nginx300');
    e.restartContainer('nginx300');
    const entry = (await getJson(`${e.url}/task/stats`))[id];
    expect(entry.cpu_stats.cpu_usage.total_usage).toBe(e.deltas.restartCpuNanos);
    expect(entry.precpu_stats.cpu_usage).toEqual({
      total_usage: 0,
      usage_in_kernelmode: 0,
      usage_in_usermode: 0,
    });
    expect(entry.preread).toBe('0001-01-01T00:00:00Z');
    expect(entry.memory_stats.max_usage).toBe(before.memory_stats.usage);
    for (const network of Object.values(entry.networks) as Record<string, number>[]) {
      expect(network.rx_bytes).toBe(0);
    }
    expect(containerIn(await getJson(`${e.url}/task`), 'nginx300').RestartCount).toBe(2);

    e.advance(10);
    const next = (await getJson(`${e.url}/task/stats`))[id];
    expect(next.precpu_stats.cpu_usage.total_usage).toBe(e.deltas.restartCpuNanos);
    expect(next.cpu_stats.cpu_usage.total_usage).toBe(
      e.deltas.restartCpuNanos + Math.round(e.deltas.cpuVcpu * 10 * 1e9),
    );
    expect(next.preread).toBe(before.read);
  });

  it('answers /stats of a stopped container with the agent 500', async () => {
    const e = await start('ec2-bridge-container-stats');
    const id = fixtureJson('ec2-bridge-container-stats', 'stats.json').id as string;
    e.stopContainer(id);
    const response = await fetch(`${e.url}/stats`);
    expect(response.status).toBe(500);
    expect(await response.json()).toBe(`Unable to get container stats for: ${id}`);
    e.startContainer(id);
    expect((await fetch(`${e.url}/stats`)).status).toBe(200);
  });
});

describe('setMemoryUsage()', () => {
  it('sets usage, raises max_usage only when exceeded, and keeps it for the next samples', async () => {
    const scenario = 'fargate-2-containers';
    const e = await start(scenario);
    const [id, entry] = Object.entries(fixtureJson(scenario, 'task-stats.json'))[0] as [
      string,
      { name: string; memory_stats: { max_usage: number } },
    ];
    const high = entry.memory_stats.max_usage + 4096;
    e.setMemoryUsage(entry.name, high);
    e.advance();
    let memory = (await getJson(`${e.url}/task/stats`))[id].memory_stats;
    expect(memory.usage).toBe(high);
    expect(memory.max_usage).toBe(high);
    e.setMemoryUsage(entry.name, 1024);
    e.advance();
    memory = (await getJson(`${e.url}/task/stats`))[id].memory_stats;
    expect(memory.usage).toBe(1024);
    expect(memory.max_usage).toBe(high);
  });

  it('leaves max_usage absent on cgroup v2', async () => {
    const scenario = 'managed-instances-cgroupv2';
    const e = await start(scenario);
    const id = Object.keys(fixtureJson(scenario, 'task-stats.json'))[0] as string;
    e.setMemoryUsage('nginx', 123_456_789);
    const memory = (await getJson(`${e.url}/task/stats`))[id].memory_stats;
    expect(memory.usage).toBe(123_456_789);
    expect(memory).not.toHaveProperty('max_usage');
  });
});
