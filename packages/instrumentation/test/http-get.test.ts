import diagnosticsChannel from 'node:diagnostics_channel';
import { startTmdsEmulator, type TmdsEmulator } from '@ecs-task-metrics/tmds-emulator';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { isTracingSuppressed } from '@opentelemetry/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config.js';
import { createHttpGet, fetchGet } from '../src/http-get.js';
import { TmdsClient } from '../src/tmds-client.js';

let emu: TmdsEmulator;
beforeAll(async () => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  emu = await startTmdsEmulator({ scenario: 'fargate-2-containers' });
});
afterAll(async () => {
  context.disable();
  await emu.close();
});
afterEach(() => emu.setFault(undefined));

/** Subscribes to a diagnostics channel for the duration of `fn`. */
async function watching<T>(channel: string, onMessage: (m: any) => void, fn: () => Promise<T>) {
  diagnosticsChannel.subscribe(channel, onMessage);
  try {
    return await fn();
  } finally {
    diagnosticsChannel.unsubscribe(channel, onMessage);
  }
}

const client = (timeoutMs = 2000, endpoint = emu.url) =>
  new TmdsClient({ endpoint, timeoutMs, get: resolveConfig({ endpoint }).get });

describe('the default HTTP client (node:http, keep-alive)', () => {
  it('is the default, reads the same bytes as fetch and reuses one connection', async () => {
    const c = client();
    const requests: string[] = [];
    const sockets: unknown[] = [];
    const reads = 5;
    const bodies = await watching(
      'http.client.request.start',
      (m) => requests.push(m.request.path),
      () =>
        watching(
          'net.client.socket',
          (s) => sockets.push(s),
          async () => {
            const out = [];
            for (let i = 0; i < reads; i++) out.push(await c.get('/task/stats'));
            return out;
          },
        ),
    );
    const expected = await (await fetch(`${emu.url}/task/stats`)).json();
    for (const body of bodies) expect(body).toEqual(expected);
    expect(requests).toHaveLength(reads);
    expect(sockets.length).toBe(1);
  });

  it('runs with tracing suppressed where HTTP instrumentation sees the request', async () => {
    const suppressed: boolean[] = [];
    await watching(
      'http.client.request.start',
      () => suppressed.push(isTracingSuppressed(context.active())),
      () => client().get('/task'),
    );
    expect(suppressed).toEqual([true]);
  });

  it('classifies a refused connection, a reset and a timeout like fetch failures', async () => {
    const closed = await startTmdsEmulator({ scenario: 'fargate-2-containers' });
    const refusedUrl = closed.url;
    await closed.close();
    await expect(client(2000, refusedUrl).get('/task/stats')).rejects.toMatchObject({
      kind: 'connection',
      message: expect.stringContaining('ECONNREFUSED'),
    });

    emu.setFault({ kind: 'reset', paths: ['/task/stats'], count: 1 });
    await expect(client().get('/task/stats')).rejects.toMatchObject({ kind: 'connection' });

    emu.setFault({ kind: 'latency', ms: 1000, paths: ['/task/stats'], count: 1 });
    await expect(client(100).get('/task/stats')).rejects.toMatchObject({ kind: 'timeout' });
    // The next request still works (the aborted socket is not reused).
    await expect(client().get('/task/stats')).resolves.toBeTypeOf('object');

    // An injected fetch gets the same timeout, through an AbortSignal.
    emu.setFault({ kind: 'latency', ms: 1000, paths: ['/task/stats'], count: 1 });
    const viaFetch = new TmdsClient({ endpoint: emu.url, timeoutMs: 100, get: fetchGet(fetch) });
    await expect(viaFetch.get('/task/stats')).rejects.toMatchObject({ kind: 'timeout' });
  });

  it('sends URLs other than http: to the global fetch', async () => {
    const get = createHttpGet();
    const closed = await startTmdsEmulator({ scenario: 'fargate-2-containers' });
    const port = new URL(closed.origin).port;
    await closed.close();
    const started: unknown[] = [];
    const failure = await watching(
      'http.client.request.start',
      (m) => started.push(m),
      () => get(`https://127.0.0.1:${port}/`, 2000).catch((e) => e),
    );
    expect(started).toEqual([]);
    // fetch's own error: a TypeError whose cause is the socket error.
    expect(failure).toBeInstanceOf(TypeError);
    expect((failure as Error).cause).toMatchObject({ code: 'ECONNREFUSED' });
  });
});
