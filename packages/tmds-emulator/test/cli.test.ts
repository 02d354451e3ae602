import {
  type ChildProcessWithoutNullStreams,
  execFileSync,
  spawn,
  spawnSync,
} from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fixtureBytes, scenarioNames } from './fixtures.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const cli = `${packageDir}dist/cli.js`;

let child: ChildProcessWithoutNullStreams | undefined;
afterEach(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  child = undefined;
});

beforeAll(() => {
  // The CLI runs from the build output; an up-to-date build makes this a no-op.
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-b', packageDir], { stdio: 'inherit' });
});

/** Starts the CLI and resolves with the URL from its `export` line. */
function startCli(args: string[]): Promise<string> {
  const proc = spawn(process.execPath, [cli, ...args]);
  child = proc;
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /^export ECS_CONTAINER_METADATA_URI_V4=(\S+)$/m.exec(out);
      if (match?.[1]) resolve(match[1]);
    });
    proc.on('exit', (code) =>
      reject(new Error(`CLI exited with ${code} before printing a URL: ${out}`)),
    );
  });
}

function exited(proc: ChildProcessWithoutNullStreams): Promise<number | null> {
  return proc.exitCode !== null
    ? Promise.resolve(proc.exitCode)
    : new Promise((resolve) => proc.once('exit', (code) => resolve(code)));
}

describe('tmds-emulator CLI', () => {
  it('has a node shebang', () => {
    expect(spawnSync('head', ['-n', '1', cli]).stdout.toString()).toBe('#!/usr/bin/env node\n');
  });

  it('prints the URL, serves the scenario, exits 0 on SIGTERM', async () => {
    const url = await startCli(['--scenario', 'ec2-awsvpc', '--port', '0']);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v4\/\S+$/);
    const body = Buffer.from(await (await fetch(`${url}/task`)).arrayBuffer());
    expect(body.equals(fixtureBytes('ec2-awsvpc', 'task.json'))).toBe(true);
    const proc = child as ChildProcessWithoutNullStreams;
    proc.kill('SIGTERM');
    expect(await exited(proc)).toBe(0);
  });

  it('advances on a timer with --advance-every', async () => {
    const url = await startCli(['--scenario', 'fargate-2-containers', '--advance-every', '0.05']);
    const first = await (await fetch(`${url}/task/stats`)).text();
    let moved = false;
    for (let i = 0; i < 100 && !moved; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      moved = (await (await fetch(`${url}/task/stats`)).text()) !== first;
    }
    expect(moved).toBe(true);
    const proc = child as ChildProcessWithoutNullStreams;
    proc.kill('SIGINT');
    expect(await exited(proc)).toBe(0);
  });

  it('lists the scenarios', () => {
    const result = spawnSync(process.execPath, [cli, '--list']);
    expect(result.status).toBe(0);
    expect(result.stdout.toString().trim().split('\n')).toEqual(scenarioNames());
  });

  it.each([
    [['--bogus']],
    [['--port', 'eighty']],
    [['--scenario', 'no-such-scenario']],
    [['--scenario', 'ec2-awsvpc', '--dir', '.']],
    [['--advance-every', '0']],
    [['--host', '0.0.0.0']],
  ])('exits 2 with one line on stderr for %j', (args) => {
    const result = spawnSync(process.execPath, [cli, ...args]);
    expect(result.status).toBe(2);
    const stderr = result.stderr.toString();
    expect(stderr).toMatch(/^tmds-emulator: .+\n$/);
    expect(stderr.split('\n').length).toBe(2);
    expect(result.stdout.toString()).toBe('');
  });
});
