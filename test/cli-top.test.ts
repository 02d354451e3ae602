import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { startTmdsEmulator, type TmdsEmulator } from '@ecs-task-metrics/tmds-emulator';
import { afterEach, describe, expect, it } from 'vitest';
import { loadFixture } from '../packages/instrumentation/test/fixtures.js';

const run = promisify(execFile);
const BIN = new URL('../packages/cli/bin/ecs-task-metrics.js', import.meta.url).pathname;
const fixture = loadFixture;
const MB = 1024 * 1024;
const mib = (bytes: number) => `${(bytes / MB).toFixed(1)} MiB`;
const SCENARIO = 'ec2-bridge-3-containers';

let emu: TmdsEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

/** The table's rows as arrays of cells (cells are separated by two or more spaces). */
function rows(text: string): string[][] {
  return text
    .trim()
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => l.trim().split(/ {2,}/));
}

describe('ecs-task-metrics top, stdout not a terminal', () => {
  it('prints plain tables: one row per container (stopped ones with their exit code) and the task', async () => {
    emu = await startTmdsEmulator({ scenario: SCENARIO });
    const { stdout, stderr } = await run(process.execPath, [
      BIN,
      'top',
      '--endpoint',
      emu.url,
      '--iterations',
      '2',
      '--interval',
      '0.05',
    ]);
    expect(stderr).toBe('');
    expect(stdout).not.toContain('\x1b'); // no terminal control sequences
    const tables = stdout.split('\n\n');
    expect(tables).toHaveLength(2);
    const table = rows(tables[0]!);
    const task = fixture(SCENARIO, 'task.json');
    const stats = fixture(SCENARIO, 'task-stats.json');
    expect(table[0]![0]).toBe(`${task.Family}:${task.Revision}`);
    expect(table[1]).toEqual([
      'CONTAINER',
      'STATUS',
      'MEM USAGE',
      'WORKING SET',
      'LIMIT',
      'MEM %',
      'PEAK',
      'CPU',
      'NET RX',
      'NET TX',
    ]);
    const body = table.slice(2);
    expect(body.map((r) => r[0])).toEqual([...task.Containers.map((c: any) => c.Name), 'TASK']);
    for (const c of task.Containers) {
      const row = body.find((r) => r[0] === c.Name)!;
      const s = stats[c.DockerId];
      if (!s?.memory_stats) {
        expect(row[1]).toBe(`stopped (exit ${c.ExitCode})`);
        expect(row.slice(2).every((v) => v === '-')).toBe(true);
        continue;
      }
      const m = s.memory_stats;
      expect(row[1]).toBe('running');
      expect(row[2]).toBe(mib(m.usage));
      expect(row[3]).toBe(mib(m.usage - m.stats.total_inactive_file));
      expect(row[4]).toBe(mib(c.Limits.Memory * MB));
      expect(row[6]).toBe(mib(m.max_usage));
    }
    expect(emu.requestCount('/task/stats')).toBe(2);
  });

  it('fails with one line and exit code 2 when the endpoint cannot be read', async () => {
    const result = await run(process.execPath, [
      BIN,
      'top',
      '--endpoint',
      'http://127.0.0.1:9/v4/x',
      '--timeout',
      '500',
    ]).catch((e) => e);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
if (!hasTmux) process.stderr.write('skipping the terminal test of top: tmux is not installed\n');

describe.skipIf(!hasTmux)('ecs-task-metrics top on a terminal (tmux)', () => {
  const socket = `etm-top-${process.pid}`;
  const tmux = (...args: string[]) =>
    spawnSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  afterEach(() => {
    tmux('kill-server');
  });

  async function until(check: () => boolean, what: string): Promise<void> {
    for (let i = 0; i < 100; i++) {
      if (check()) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(
      `timed out waiting for ${what}: ${tmux('capture-pane', '-p', '-t', 'top').stdout}`,
    );
  }

  it('redraws in place as the numbers change, and q quits back to the shell screen', async () => {
    emu = await startTmdsEmulator({ scenario: SCENARIO });
    const started = tmux(
      'new-session',
      '-d',
      '-s',
      'top',
      '-x',
      '160',
      '-y',
      '30',
      `${process.execPath} ${BIN} top --endpoint ${emu.url} --interval 0.2; echo TOP-EXITED-$?; sleep 30`,
    );
    expect(started.status).toBe(0);
    const screen = () => tmux('capture-pane', '-p', '-t', 'top').stdout;
    await until(() => screen().includes('nginx100'), 'the first table');
    expect(screen()).toContain('q: quit');
    emu.setMemoryUsage('nginx100', 100 * MB);
    emu.advance(1);
    await until(() => /nginx100\s+running\s+100\.0 MiB/.test(screen()), 'the refreshed table');
    // One table on the screen: redrawn in place, not appended.
    expect(screen().match(/CONTAINER/g)).toHaveLength(1);
    tmux('send-keys', '-t', 'top', 'q');
    await until(() => screen().includes('TOP-EXITED-0'), 'top to exit');
    // Back on the normal screen: the table was drawn on the alternate one.
    expect(screen()).not.toContain('CONTAINER');
  });
});
