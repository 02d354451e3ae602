import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type EcsTaskMetricsHandle, startEcsTaskMetrics } from '@ecs-task-metrics/node';
import { startTmdsEmulator, type TmdsEmulator } from '@ecs-task-metrics/tmds-emulator';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { mib } from '../src/page.js';
import { MemoryHolder } from '../src/work.js';

const SCENARIO = 'ec2-bridge-3-containers';
const FIXTURES = new URL('../../../packages/tmds-emulator/fixtures/', import.meta.url);
const fixture = (file: string): any =>
  JSON.parse(readFileSync(new URL(`${SCENARIO}/${file}`, FIXTURES), 'utf8'));

let emu: TmdsEmulator | undefined;
let handle: EcsTaskMetricsHandle | undefined;
let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  server?.close();
  await handle?.shutdown();
  await emu?.close();
  emu = handle = server = undefined;
});

/** The app's routes on loopback, with metrics read from the emulator (no exporter). */
async function serve(memory = new MemoryHolder()) {
  emu = await startTmdsEmulator({ scenario: SCENARIO });
  handle = await startEcsTaskMetrics({
    exporter: 'none',
    shutdownSignals: [],
    instrumentation: { endpoint: emu.url },
    env: {},
  });
  server = createApp(handle, memory).listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('example app routes', () => {
  it('GET / shows every running container with its working set, by the formula', async () => {
    const url = await serve();
    const res = await fetch(`${url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    const stats = fixture('task-stats.json') as Record<string, any>;
    const task = fixture('task.json');
    // Containers are named by their `/task` Name.
    const names = new Map<string, string>(task.Containers.map((c: any) => [c.DockerId, c.Name]));
    const running = Object.entries(stats).filter(([, s]) => s && Object.keys(s).length > 0);
    expect(running.length).toBeGreaterThan(0);
    for (const [id, s] of running) {
      const name = names.get(id);
      const m = s.memory_stats;
      const inactive = m.stats.total_inactive_file ?? m.stats.inactive_file;
      expect(html).toContain(`<th>${name}</th><td>${mib(m.usage - inactive)}</td>`);
    }
    expect(html).toContain(`<h1>${task.Family}:${task.Revision}</h1>`);
  });

  it('GET / names the cause when the endpoint fails, instead of showing numbers', async () => {
    const url = await serve();
    emu!.setFault({ kind: 'status', status: 500, paths: ['/task/stats'] });
    const html = await (await fetch(`${url}/`)).text();
    expect(html).toContain('No numbers: /task/stats answered HTTP 500');
    expect(html).not.toContain('<table>');
  });

  it('GET /healthz answers ok', async () => {
    const url = await serve();
    const res = await fetch(`${url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('POST /work/memory holds the requested MiB and rejects bad parameters', async () => {
    const memory = new MemoryHolder();
    const url = await serve(memory);
    for (const query of ['mb=0', 'mb=abc', 'mb=99999', 'mb=1&ms=-1']) {
      expect((await fetch(`${url}/work/memory?${query}`, { method: 'POST' })).status).toBe(400);
    }
    expect(memory.heldBytes).toBe(0);
    const res = await fetch(`${url}/work/memory?mb=3&ms=60000`, { method: 'POST' });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ allocatedMiB: 3, holdMs: 60000, heldMiB: 3 });
    expect(memory.heldBytes).toBe(3 * 1024 * 1024);
    memory.releaseAll();
  });

  it('POST /work/cpu burns CPU and stays responsive; bad parameters are rejected', async () => {
    const url = await serve();
    expect((await fetch(`${url}/work/cpu?ms=0`, { method: 'POST' })).status).toBe(400);
    const cpuBefore = process.cpuUsage();
    const burning = fetch(`${url}/work/cpu?ms=300`, { method: 'POST' });
    // Served between two slices of the burn.
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const res = await burning;
    expect(res.status).toBe(200);
    const { busyMs } = (await res.json()) as { busyMs: number };
    const used = process.cpuUsage(cpuBefore);
    expect(busyMs).toBeGreaterThan(0);
    expect(used.user + used.system).toBeGreaterThan(0);
  });
});
