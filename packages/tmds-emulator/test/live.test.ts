import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildProject, liveCgroupsSkipReason } from '../../../test/live-helpers.js';
import { startLiveEmulator } from '../src/live.js';
import { LiveCgroupError } from '../src/live-cgroups.js';
import type { LiveTmdsEmulator } from '../src/types.js';
import { getJson } from './fixtures.js';

const MB = 1024 * 1024;
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const cli = `${packageDir}dist/cli.js`;
const skip = liveCgroupsSkipReason();

let emu: LiveTmdsEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

beforeAll(() => {
  buildProject(packageDir);
});

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const proc = spawn(process.execPath, [cli, ...args]);
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (c: Buffer) => {
    stdout += c;
  });
  proc.stderr.on('data', (c: Buffer) => {
    stderr += c;
  });
  return new Promise((resolve) => proc.once('close', (code) => resolve({ code, stdout, stderr })));
}

describe('live mode without cgroups', () => {
  it('the library rejects with a LiveCgroupError naming the cause', async () => {
    await expect(
      startLiveEmulator({ command: ['true'], cgroupRoot: '/nonexistent-cgroup-root' }),
    ).rejects.toBeInstanceOf(LiveCgroupError);
  });

  it('the CLI says so, serves the fixture scenario instead and still runs the command', async () => {
    const { code, stdout, stderr } = await run([
      '--live',
      '--cgroup-root',
      '/nonexistent-cgroup-root',
      '--scenario',
      'ec2-awsvpc',
      '--',
      process.execPath,
      '-e',
      'fetch(process.env.ECS_CONTAINER_METADATA_URI_V4 + "/task").then(r => r.json()).then(t => { console.log(t.Family); process.exit(5); })',
    ]);
    expect(stderr.split('\n').filter((l) => l.includes('live mode unavailable'))).toHaveLength(1);
    expect(stderr).toContain("serving the fixture scenario 'ec2-awsvpc' instead");
    expect(stdout.trim()).toBe(
      JSON.parse(
        (await import('node:fs')).readFileSync(
          `${packageDir}fixtures/ec2-awsvpc/task.json`,
          'utf8',
        ),
      ).Family,
    );
    expect(code).toBe(5);
  });
});

describe.skipIf(skip)('live mode', () => {
  it("serves the command's cgroup as a container: Docker's stats shape, limits, the variable set", async () => {
    const limit = 256 * MB;
    const server = await startLiveEmulator({
      command: [
        process.execPath,
        '-e',
        'const b = Buffer.alloc(32 * 1024 * 1024, 1); console.log(process.env.ECS_CONTAINER_METADATA_URI_V4); process.stdin.resume(); process.stdin.on("end", () => process.exit(3));',
      ],
      memoryLimitBytes: limit,
      sampleIntervalMs: 0,
      containerName: 'worker',
    });
    emu = server;
    const lines = createInterface({ input: server.child.stdout! })[Symbol.asyncIterator]();
    expect((await lines.next()).value).toBe(server.url);
    const first = (await getJson(`${server.url}/task/stats`))[server.dockerId];
    server.sample();
    const second = (await getJson(`${server.url}/task/stats`))[server.dockerId];
    const kernelMax = Number(server.readMemoryFile('memory.max_usage_in_bytes'));

    expect(Object.keys(second)).toEqual([
      'read',
      'preread',
      'pids_stats',
      'blkio_stats',
      'num_procs',
      'storage_stats',
      'cpu_stats',
      'precpu_stats',
      'memory_stats',
      'name',
      'id',
    ]);
    expect(first.preread).toBe('0001-01-01T00:00:00Z');
    expect(second.preread).toBe(first.read);
    expect(second.precpu_stats).toEqual(first.cpu_stats);
    expect(second.id).toBe(server.dockerId);
    // Memory: the 32 MiB the command holds are charged to its cgroup; the kernel's mark bounds every sample.
    expect(second.memory_stats.usage).toBeGreaterThan(32 * MB);
    expect(second.memory_stats.max_usage).toBeLessThanOrEqual(kernelMax);
    expect(second.memory_stats.limit).toBe(limit);
    expect(second.memory_stats.stats.hierarchical_memory_limit).toBe(limit);
    expect(second.cpu_stats.cpu_usage.total_usage).toBeGreaterThan(0);

    const task = await getJson(`${server.url}/task`);
    expect(task.KnownStatus).toBe('RUNNING');
    expect(task.Containers[0]).toMatchObject({
      DockerId: server.dockerId,
      Name: 'worker',
      KnownStatus: 'RUNNING',
      Limits: { Memory: limit / MB },
    });
    expect((await getJson(server.url)).DockerId).toBe(server.dockerId);

    server.child.stdin!.end();
    expect(await server.exited).toEqual({ exitCode: 3, signal: null });
    // Stopped: `{}` in task stats, the agent's 500 for /stats, STOPPED with the exit code in /task.
    expect((await getJson(`${server.url}/task/stats`))[server.dockerId]).toEqual({});
    expect((await fetch(`${server.url}/stats`)).status).toBe(500);
    const stopped = (await getJson(`${server.url}/task`)).Containers[0];
    expect(stopped).toMatchObject({ KnownStatus: 'STOPPED', ExitCode: 3 });
    expect(typeof stopped.FinishedAt).toBe('string');
  });

  it('samples on the agent interval; between samples it serves the same one', async () => {
    const server = await startLiveEmulator({ command: ['sleep', '5'], sampleIntervalMs: 60_000 });
    emu = server;
    const a = await (await fetch(`${server.url}/task/stats`)).text();
    const b = await (await fetch(`${server.url}/task/stats`)).text();
    expect(b).toBe(a);
    expect(server.samples).toBe(1);
  });

  it('removes its cgroups on close, killing what the command left behind', async () => {
    const server = await startLiveEmulator({ command: ['sh', '-c', 'sleep 30 & exit 0'] });
    emu = undefined;
    expect((await server.exited).exitCode).toBe(0);
    const dirs = Object.values(server.cgroupPaths);
    expect(dirs.every((d) => existsSync(d))).toBe(true);
    await server.close();
    expect(dirs.filter((d) => existsSync(d))).toEqual([]);
  });

  it('the CLI runs the command in the cgroup and exits with its exit code', async () => {
    const { code, stdout, stderr } = await run([
      '--live',
      '--memory-limit',
      '128m',
      '--',
      'sh',
      '-c',
      'grep memory /proc/self/cgroup; cat /sys/fs/cgroup/memory$(grep :memory: /proc/self/cgroup | cut -d: -f3)/memory.limit_in_bytes; exit 7',
    ]);
    expect(code).toBe(7);
    expect(stderr).toMatch(
      /^export ECS_CONTAINER_METADATA_URI_V4=http:\/\/127\.0\.0\.1:\d+\/v4\/\S+$/m,
    );
    const [cgroupLine, limitLine] = stdout.trim().split('\n');
    expect(cgroupLine).toMatch(/:memory:.*\/tmds-live-\d+-[0-9a-f]+$/);
    expect(Number(limitLine)).toBe(128 * MB);
    const dir = `/sys/fs/cgroup/memory${cgroupLine!.split(':')[2]}`;
    expect(existsSync(dir)).toBe(false);
  });
});
