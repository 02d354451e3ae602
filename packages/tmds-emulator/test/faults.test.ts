import { afterEach, describe, expect, it } from 'vitest';
import { startTmdsEmulator, type TmdsEmulator } from '../src/index.js';
import { fixtureBytes, fixtureJson } from './fixtures.js';

const scenario = 'fargate-2-containers';
let emu: TmdsEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

async function start(options: Parameters<typeof startTmdsEmulator>[0] = {}) {
  emu = await startTmdsEmulator({ scenario, ...options });
  return emu;
}

const taskArn = () => fixtureJson(scenario, 'task.json').TaskARN as string;
const dockerId = () => fixtureJson(scenario, 'container.json').DockerId as string;
const fixtureText = (file: string) => fixtureBytes(scenario, file).toString('utf8');

describe('status faults: the agent bodies and content types', () => {
  // Messages as the ECS agent's v4 handlers format them (see its handler tests).
  const cases = [
    {
      status: 500 as const,
      path: '/task/stats',
      body: () => JSON.stringify(`Unable to get task stats for: ${taskArn()}`),
    },
    {
      status: 500 as const,
      path: '/stats',
      body: () => JSON.stringify(`Unable to get container stats for: ${dockerId()}`),
    },
    {
      status: 500 as const,
      path: '',
      body: () => JSON.stringify(`unable to generate metadata for container '${dockerId()}'`),
    },
    {
      status: 500 as const,
      path: '/task',
      body: () => JSON.stringify(`Unable to generate metadata for v4 task: '${taskArn()}'`),
    },
    {
      status: 404 as const,
      path: '/task',
      body: () =>
        JSON.stringify(
          `V4 task metadata handler: unable to get task arn from request: unable to get task Arn from v3 endpoint ID: ${dockerId()}`,
        ),
    },
  ];
  it.each(cases)('$status on "$path"', async ({ status, path, body }) => {
    const e = await start();
    e.setFault({ kind: 'status', status });
    const response = await fetch(`${e.url}${path}`);
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.text()).toBe(body());
  });

  it('429 is the rate limiter plain text', async () => {
    const e = await start();
    e.setFault({ kind: 'status', status: 429 });
    const response = await fetch(`${e.url}/task/stats`);
    expect(response.status).toBe(429);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(response.headers.get('x-rate-limit-limit')).toBe('40.00');
    expect(await response.text()).toBe('You have reached maximum request limit.');
  });

  it('503 is plain text', async () => {
    const e = await start();
    e.setFault({ kind: 'status', status: 503 });
    const response = await fetch(`${e.url}/task/stats`);
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
  });
});

describe('fault scope', () => {
  it('applies to the listed paths only, for `count` requests', async () => {
    const e = await start();
    e.setFault({ kind: 'status', status: 500, paths: ['/task/stats'], count: 2 });
    expect((await fetch(`${e.url}/task`)).status).toBe(200);
    expect((await fetch(`${e.url}/task/stats`)).status).toBe(500);
    expect((await fetch(`${e.url}/task/stats`)).status).toBe(500);
    expect((await fetch(`${e.url}/task/stats`)).status).toBe(200);
  });

  it('lasts until cleared without `count`', async () => {
    const e = await start();
    e.setFault({ kind: 'status', status: 503 });
    for (let i = 0; i < 3; i++) expect((await fetch(`${e.url}/task`)).status).toBe(503);
    e.setFault(undefined);
    expect((await fetch(`${e.url}/task`)).status).toBe(200);
  });

  it('rejects a non-positive count', async () => {
    const e = await start();
    expect(() => e.setFault({ kind: 'reset', count: 0 })).toThrow(RangeError);
  });
});

describe('transport faults', () => {
  it('reset destroys the connection: fetch fails', async () => {
    const e = await start();
    e.setFault({ kind: 'reset', count: 1 });
    await expect(fetch(`${e.url}/task/stats`)).rejects.toThrow(TypeError);
    expect((await fetch(`${e.url}/task/stats`)).status).toBe(200);
  });

  it('truncated serves a prefix of the real body that does not parse', async () => {
    const e = await start();
    e.setFault({ kind: 'truncated', count: 1 });
    const response = await fetch(`${e.url}/task/stats`);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text.length).toBeGreaterThan(0);
    expect(text.length).toBeLessThan(fixtureText('task-stats.json').length);
    expect(fixtureText('task-stats.json').startsWith(text)).toBe(true);
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
  });

  it('malformed serves invalid JSON', async () => {
    const e = await start();
    e.setFault({ kind: 'malformed', paths: ['/task'] });
    const response = await fetch(`${e.url}/task`);
    expect(response.headers.get('content-type')).toBe('application/json');
    await expect(response.json()).rejects.toThrow(SyntaxError);
  });

  it('latency holds the answer back, then answers normally', async () => {
    const e = await start();
    e.setFault({ kind: 'latency', ms: 60_000, count: 1 });
    await expect(fetch(`${e.url}/task`, { signal: AbortSignal.timeout(200) })).rejects.toThrow(
      /timeout|aborted/i,
    );
    e.setFault({ kind: 'latency', ms: 20, count: 1 });
    const response = await fetch(`${e.url}/task`);
    expect(await response.text()).toBe(fixtureText('task.json'));
  });
});

describe('rate limiter', () => {
  it('is off by default', async () => {
    const e = await start();
    for (let i = 0; i < 70; i++) expect((await fetch(`${e.url}/task`)).status).toBe(200);
  });

  it('lets a burst of 60 through per path, then 429 until tokens refill at 40/s', async () => {
    let clock = 0;
    const e = await start({ rateLimit: true, now: () => clock });
    const statuses = async (path: string, n: number) => {
      const seen: number[] = [];
      for (let i = 0; i < n; i++) seen.push((await fetch(`${e.url}${path}`)).status);
      return seen;
    };
    expect(await statuses('/task/stats', 60)).toEqual(Array(60).fill(200));
    const limited = await fetch(`${e.url}/task/stats`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await limited.text()).toBe('You have reached maximum request limit.');
    // Another path has its own bucket.
    expect((await fetch(`${e.url}/task`)).status).toBe(200);
    clock += 500; // 20 tokens back
    expect(await statuses('/task/stats', 21)).toEqual([...Array(20).fill(200), 429]);
    // Rate-limited requests still count as requests.
    expect(e.requestCount('/task/stats')).toBe(82);
  });

  it('takes custom limits', async () => {
    const clock = 0;
    const e = await start({ rateLimit: { requestsPerSecond: 1, burst: 2 }, now: () => clock });
    const seen: number[] = [];
    for (let i = 0; i < 3; i++) seen.push((await fetch(`${e.url}/task`)).status);
    expect(seen).toEqual([200, 200, 429]);
  });
});
