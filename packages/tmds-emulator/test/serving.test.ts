import { readdirSync } from 'node:fs';
import { Agent, get } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { listScenarios, startTmdsEmulator, type TmdsEmulator } from '../src/index.js';
import {
  FIXTURES_DIR,
  fixtureBytes,
  fixtureJson,
  ORIGIN_PATHS,
  PATH_BY_FILE,
  scenarioNames,
} from './fixtures.js';

let emu: TmdsEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

function endpointUrl(e: TmdsEmulator, path: string): string {
  return ORIGIN_PATHS.has(path) ? `${e.origin}${path}` : `${e.url}${path}`;
}

describe('scenarios', () => {
  it('lists every bundled fixture folder', () => {
    expect(listScenarios()).toEqual(scenarioNames());
    expect(listScenarios().length).toBeGreaterThan(0);
  });

  it.each(scenarioNames())(
    '%s: serves each fixture file byte-identical, absent ones 404',
    async (name) => {
      emu = await startTmdsEmulator({ scenario: name });
      const files = readdirSync(`${FIXTURES_DIR}${name}`);
      for (const [file, path] of Object.entries(PATH_BY_FILE)) {
        const response = await fetch(endpointUrl(emu, path));
        if (files.includes(file)) {
          expect(response.status, `${name} ${path}`).toBe(200);
          expect(response.headers.get('content-type')).toBe('application/json');
          expect(Buffer.from(await response.arrayBuffer()).equals(fixtureBytes(name, file))).toBe(
            true,
          );
        } else {
          expect(response.status, `${name} ${path}`).toBe(404);
          expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
          expect(await response.text()).toBe('404 page not found\n');
        }
      }
    },
  );

  it('uses the container DockerId as the v4 endpoint ID', async () => {
    emu = await startTmdsEmulator({ scenario: 'fargate-2-containers' });
    const container = fixtureJson('fargate-2-containers', 'container.json');
    expect(emu.url).toBe(`${emu.origin}/v4/${container.DockerId}`);
    expect(emu.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('serves a scenario from any directory', async () => {
    emu = await startTmdsEmulator({ dir: `${FIXTURES_DIR}ec2-awsvpc` });
    const response = await fetch(`${emu.url}/taskWithTags`);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(
      fixtureBytes('ec2-awsvpc', 'task-with-tags.json'),
    );
  });

  it('rejects an unknown scenario, a missing directory and a non-loopback host', async () => {
    await expect(startTmdsEmulator({ scenario: 'no-such-scenario' })).rejects.toThrow(
      /unknown scenario 'no-such-scenario'/,
    );
    await expect(startTmdsEmulator({ dir: `${FIXTURES_DIR}no-such-dir` })).rejects.toThrow(
      /not found/,
    );
    await expect(startTmdsEmulator({ host: '0.0.0.0' })).rejects.toThrow(/loopback only/);
  });
});

describe('routing like the agent', () => {
  it('answers an unknown endpoint ID with the handler 404 and an unknown route with the router 404', async () => {
    emu = await startTmdsEmulator({ scenario: 'fargate-2-containers' });
    const bad = await fetch(`${emu.origin}/v4/bad/task/stats`);
    expect(bad.status).toBe(404);
    expect(bad.headers.get('content-type')).toBe('application/json');
    expect(await bad.json()).toBe(
      'V4 task stats handler: unable to get task arn from request: unable to get task Arn from v3 endpoint ID: bad',
    );
    for (const path of ['/', '/foo', '/task/']) {
      const response = await fetch(`${emu.url}${path}`);
      expect(response.status).toBe(404);
      expect(await response.text()).toBe('404 page not found\n');
    }
  });

  it('keeps connections alive between requests', async () => {
    emu = await startTmdsEmulator({ scenario: 'fargate-2-containers' });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const reused: boolean[] = [];
    for (let i = 0; i < 2; i++) {
      await new Promise<void>((resolve, reject) => {
        const request = get(`${emu?.url}/task`, { agent }, (response) => {
          response.resume();
          response.on('end', resolve);
        });
        request.on('error', reject);
        reused.push(request.reusedSocket);
      });
    }
    agent.destroy();
    expect(reused).toEqual([false, true]);
  });
});

describe('request counting', () => {
  it('counts requests per endpoint path and resets', async () => {
    let clock = 1_000;
    emu = await startTmdsEmulator({ scenario: 'managed-instances-tasks', now: () => clock });
    await fetch(`${emu.url}/task/stats`);
    clock = 2_000;
    await fetch(`${emu.url}/task/stats`);
    await fetch(`${emu.origin}/tasks/stats`);
    await fetch(`${emu.url}`);
    expect(emu.requestCount('/task/stats')).toBe(2);
    expect(emu.requestCount('/tasks/stats')).toBe(1);
    expect(emu.requestCount('')).toBe(1);
    expect(emu.requestCount('/task')).toBe(0);
    expect(emu.requests[1]).toEqual({ method: 'GET', path: '/task/stats', at: 2_000 });
    emu.resetCounts();
    expect(emu.requests).toEqual([]);
    expect(emu.requestCount('/task/stats')).toBe(0);
  });
});

describe('setPayload', () => {
  it('serves text verbatim and objects as JSON, then the fixture again once cleared', async () => {
    emu = await startTmdsEmulator({ scenario: 'fargate-2-containers' });
    const text = '{"cid":{}}';
    emu.setPayload('/task/stats', text);
    expect(await (await fetch(`${emu.url}/task/stats`)).text()).toBe(text);
    emu.setPayload('/stats', { a: [1, 2] });
    expect(await (await fetch(`${emu.url}/stats`)).json()).toEqual({ a: [1, 2] });
    emu.advance();
    expect(await (await fetch(`${emu.url}/task/stats`)).text()).toBe(text);
    emu.setPayload('/task/stats', undefined);
    const restored = (await (await fetch(`${emu.url}/task/stats`)).json()) as object;
    expect(Object.keys(restored)).toEqual(
      Object.keys(fixtureJson('fargate-2-containers', 'task-stats.json')),
    );
  });
});
