import { createServer } from 'node:net';
import { startTmdsEmulator, type TmdsEmulator } from '@ecs-task-metrics/tmds-emulator';
import { afterEach, describe, expect, it } from 'vitest';
import { loadFixture } from '../packages/instrumentation/test/fixtures.js';
import { runCli as cli } from './helpers.js';

const fixture = loadFixture;

let emu: TmdsEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

describe('ecs-task-metrics snapshot', () => {
  it('--format json prints one object per point, counters cumulative, values by the formulas', async () => {
    emu = await startTmdsEmulator({ scenario: 'managed-instances-cgroupv2' });
    const { code, stdout, stderr } = await cli([
      'snapshot',
      '--format',
      'json',
      '--endpoint',
      emu.url,
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const points = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    for (const p of points)
      expect(Object.keys(p)).toEqual(['name', 'unit', 'type', 'value', 'attributes']);
    const stats = fixture('managed-instances-cgroupv2', 'task-stats.json');
    const task = fixture('managed-instances-cgroupv2', 'task.json');
    const [id, s] = Object.entries(stats)[0] as [string, any];
    const find = (name: string) => points.filter((p) => p.name === name);
    const ws = find('container.memory.working_set');
    expect(ws).toHaveLength(1);
    expect(ws[0].attributes).toEqual({
      'container.name': task.Containers[0].Name,
      'container.id': id,
    });
    expect(ws[0].value).toBe(s.memory_stats.usage - s.memory_stats.stats.inactive_file);
    expect(ws[0].type).toBe('gauge');
    const cpuTime = find('container.cpu.time')[0];
    expect(cpuTime.type).toBe('counter');
    expect(cpuTime.value).toBe(s.cpu_stats.cpu_usage.total_usage / 1e9);
    expect(find('aws.ecs.task.memory.limit')[0].value).toBe(task.Limits.Memory * 1024 * 1024);
    expect(emu.requestCount('/task/stats')).toBe(1);
  });

  it('defaults to a table for people, from $ECS_CONTAINER_METADATA_URI_V4', async () => {
    emu = await startTmdsEmulator({ scenario: 'ec2-bridge-3-containers' });
    const { code, stdout } = await cli(['snapshot'], { ECS_CONTAINER_METADATA_URI_V4: emu.url });
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^METRIC\s+OF\s+VALUE$/);
    expect(lines.some((l) => /^container\.memory\.limit\s+nginx100\s+128\.0 MiB$/.test(l))).toBe(
      true,
    );
    expect(lines.some((l) => /^aws\.ecs\.task\.ephemeral_storage\.limit\s+task\s+/.test(l))).toBe(
      true,
    );
  });

  it.each([
    ['no endpoint', [], {}, /no endpoint/],
    ['a bad --format', ['--format', 'xml'], {}, /--format must be table or json/],
  ])('%s: one line on stderr, exit 2', async (_name, args, env, pattern) => {
    const { code, stdout, stderr } = await cli(['snapshot', ...args], env);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(pattern);
  });

  it('an unreachable endpoint: the cause on one line, exit 2, no stack trace', async () => {
    // A port that was free a moment ago: nothing listens there.
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    await new Promise((r) => server.close(r));
    const { code, stderr } = await cli(['snapshot', '--endpoint', `http://127.0.0.1:${port}/v4/x`]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^ecs-task-metrics: \/task\/stats could not be read: ECONNREFUSED\n$/);
  });

  it.each([
    [{ kind: 'status', status: 500 }, /HTTP 500/],
    [{ kind: 'malformed' }, /invalid JSON/],
  ])('a bad answer (%o): exit 2 naming it', async (fault, pattern) => {
    emu = await startTmdsEmulator({ scenario: 'fargate-2-containers' });
    emu.setFault(fault as never);
    const { code, stderr } = await cli(['snapshot', '--endpoint', emu.url]);
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(pattern);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
