/*
 * The host application: a tiny Express 5 app in the test's own process, so it shares the event loop with the
 * instrumentation exactly as a real service does, and a bounded loop of requests against it.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';

export interface HostApp {
  url: string;
  close(): Promise<void>;
}

export async function startHostApp(): Promise<HostApp> {
  const app = express();
  // A little work per request, as a real handler does some.
  app.get('/orders/:id', (req, res) => {
    res.json({ id: req.params.id, items: Array.from({ length: 20 }, (_, i) => ({ sku: i })) });
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface ProbeResult {
  ok: number;
  failed: number;
  /** Request latencies in milliseconds, in the order sent. */
  latencies: number[];
}

/**
 * Sends requests one after another (`concurrency` loops) until `until()` holds, at least `min` and at most `max`
 * of them in all. Latencies are recorded for the documentation, never asserted on.
 */
export async function probe(
  app: HostApp,
  options: { min?: number; max?: number; concurrency?: number; until?: () => boolean } = {},
): Promise<ProbeResult> {
  const { min = 50, max = 2000, concurrency = 4, until = () => true } = options;
  const result: ProbeResult = { ok: 0, failed: 0, latencies: [] };
  let sent = 0;
  const loop = async () => {
    while (sent < max && (sent < min || !until())) {
      const n = sent++;
      const started = performance.now();
      try {
        const response = await fetch(`${app.url}/orders/${n}`);
        const body = (await response.json()) as { id: string };
        if (response.status === 200 && body.id === String(n)) result.ok++;
        else result.failed++;
      } catch {
        result.failed++;
      }
      result.latencies.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  return result;
}

export interface LatencySummary {
  requests: number;
  p50: number;
  p99: number;
  max: number;
}

export function summarize(latencies: number[]): LatencySummary {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const round = (ms: number) => Math.round(ms * 100) / 100;
  return {
    requests: sorted.length,
    p50: round(at(0.5)),
    p99: round(at(0.99)),
    max: round(sorted.at(-1) ?? 0),
  };
}
