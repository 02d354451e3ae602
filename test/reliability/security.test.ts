/*
 * Security of the instrumentation side: which metadata endpoints it calls, and what its diagnostics may contain
 * under every fault (no credentials, no signed headers, no response bodies beyond a short excerpt).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EcsTaskMetricsInstrumentation } from '@ecs-task-metrics/instrumentation';
import { startTmdsEmulator, type TmdsEmulator } from '@ecs-task-metrics/tmds-emulator';
import { DiagLogLevel, diag } from '@opentelemetry/api';
import { AggregationTemporality } from '@opentelemetry/sdk-metrics';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { flatten, inMemoryProvider, recordingDiag } from '../helpers.js';
import { taskPoints } from './support/tmds-rig.js';

const SECRET = 'wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY';
const TOKEN = 'IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  vi.unstubAllEnvs();
  diag.disable();
});

function start(config: ConstructorParameters<typeof EcsTaskMetricsInstrumentation>[0]) {
  const logger = recordingDiag();
  diag.setLogger(logger, DiagLogLevel.ALL);
  const mp = inMemoryProvider(AggregationTemporality.DELTA);
  const instrumentation = new EcsTaskMetricsInstrumentation(config);
  instrumentation.setMeterProvider(mp.provider);
  cleanups.push(
    () => instrumentation.disable(),
    () => mp.provider.shutdown(),
  );
  return { logger, mp, instrumentation };
}

async function emulator(): Promise<TmdsEmulator> {
  const emu = await startTmdsEmulator({ scenario: 'fargate-2-containers' });
  cleanups.push(() => emu.close());
  return emu;
}

/** A fetch that counts calls and sends them to `target` (what a proxy in front of the agent would do). */
function countingFetch(target?: string) {
  const urls: string[] = [];
  const fetchFn = (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    urls.push(url);
    if (!target) return Promise.reject(new Error('no network in this test'));
    const { pathname } = new URL(url);
    return fetch(`${target}${pathname.replace(/^\/v4\/[^/]+/, '')}`, init);
  };
  return { urls, fetch: fetchFn as typeof fetch };
}

describe('the metadata endpoint is called only where the ECS agent serves it', () => {
  it.each([
    'http://10.0.0.5/v4/abc',
    'https://169.254.170.2/v4/abc',
    'http://metadata.example.com/v4/abc',
  ])('%s from the environment: one diagnostic warning, no request, no metrics', async (url) => {
    vi.stubEnv('ECS_CONTAINER_METADATA_URI_V4', url);
    const spy = countingFetch();
    const { logger, mp, instrumentation } = start({ fetch: spy.fetch });
    expect(flatten(await mp.collect())).toEqual([]);
    expect(spy.urls).toEqual([]);
    const warnings = logger.messages.filter((m) => m.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.text).toContain('allowAnyEndpoint');
    expect(instrumentation.lastFailure?.kind).toBe('endpoint-rejected');
  });

  it('allowAnyEndpoint: true calls it', async () => {
    const emu = await emulator();
    const spy = countingFetch(emu.url);
    const { mp } = start({
      endpoint: 'http://metadata.example.com/v4/abc',
      allowAnyEndpoint: true,
      fetch: spy.fetch,
    });
    expect(taskPoints(flatten(await mp.collect())).length).toBeGreaterThan(0);
    expect(spy.urls[0]).toBe('http://metadata.example.com/v4/abc/task/stats');
  });

  it('the emulator on loopback keeps working without any option', async () => {
    const emu = await emulator();
    const { mp, logger } = start({ endpoint: emu.url });
    expect(taskPoints(flatten(await mp.collect())).length).toBeGreaterThan(0);
    expect(logger.messages.filter((m) => m.level === 'warn')).toEqual([]);
  });

  it('credentials in the URL are refused even with allowAnyEndpoint, and never logged', async () => {
    const spy = countingFetch();
    const { logger } = start({
      endpoint: `http://admin:${SECRET}@169.254.170.2/v4/abc`,
      allowAnyEndpoint: true,
      fetch: spy.fetch,
    });
    expect(spy.urls).toEqual([]);
    const text = logger.messages.map((m) => m.text).join('\n');
    expect(text).toContain('credentials');
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('admin');
  });
});

/** A loopback server answering every request with `status` and `body`: error bodies the agent never sends. */
async function answering(status: number, body: string): Promise<string> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(status, { 'content-type': 'text/plain' });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v4/abc`;
}

describe('diagnostics under faults carry no credentials, headers or bodies', () => {
  it('with AWS credentials in the environment, across every fault', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAIOSFODNN7EXAMPLE');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', SECRET);
    vi.stubEnv('AWS_SESSION_TOKEN', TOKEN);
    const emu = await emulator();
    // A fresh instrumentation per fault, so the rate limiter does not hide a message.
    const faults = [
      { kind: 'status', status: 500 },
      { kind: 'status', status: 404 },
      { kind: 'status', status: 429 },
      { kind: 'status', status: 503 },
      { kind: 'reset' },
      { kind: 'malformed' },
      { kind: 'truncated' },
      { kind: 'latency', ms: 1000 },
    ] as const;
    const all: string[] = [];
    for (const fault of faults) {
      emu.setFault(fault);
      const { logger, mp, instrumentation } = start({ endpoint: emu.url, timeoutMs: 200 });
      await mp.collect();
      instrumentation.disable();
      all.push(...logger.messages.map((m) => m.text));
    }
    expect(all.length).toBeGreaterThanOrEqual(faults.length);
    const text = all.join('\n');
    for (const secret of [SECRET, TOKEN, 'AKIAIOSFODNN7EXAMPLE', 'authorization', 'x-amz-']) {
      expect(text.toLowerCase()).not.toContain(secret.toLowerCase());
    }
  });

  it('an error answer is quoted to 80 characters at most', async () => {
    const body = `${'x'.repeat(80)} token=${SECRET}`;
    const { logger, mp } = start({ endpoint: await answering(500, body) });
    await mp.collect();
    const text = logger.messages.map((m) => m.text).join('\n');
    expect(text).toContain('HTTP 500');
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('token=');
  });

  it('a body that is not JSON is never quoted', async () => {
    const emu = await emulator();
    emu.setPayload('/task/stats', `{"password": "${SECRET}", `);
    const { logger, mp } = start({ endpoint: emu.url });
    await mp.collect();
    const text = logger.messages.map((m) => m.text).join('\n');
    expect(text).toContain('invalid JSON');
    expect(text).not.toContain(SECRET);
  });
});
