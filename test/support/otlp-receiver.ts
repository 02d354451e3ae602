/*
 * A loopback OTLP/HTTP receiver for metrics in the JSON encoding (what `@opentelemetry/exporter-metrics-otlp-http`
 * sends): keeps every request and flattens its points, so tests can read what an app exported.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

type AnyValue = { stringValue?: string; intValue?: string | number; doubleValue?: number };
type KeyValue = { key: string; value: AnyValue };
type NumberPoint = {
  attributes?: KeyValue[];
  asInt?: string | number;
  asDouble?: number;
  timeUnixNano?: string;
};
type Metric = {
  name: string;
  unit?: string;
  gauge?: { dataPoints: NumberPoint[] };
  sum?: { dataPoints: NumberPoint[]; aggregationTemporality?: number; isMonotonic?: boolean };
};
export interface OtlpMetricsRequest {
  resourceMetrics: Array<{
    resource?: { attributes?: KeyValue[] };
    scopeMetrics: Array<{ scope?: { name?: string }; metrics: Metric[] }>;
  }>;
}

/** One exported number point, flattened. */
export interface ReceivedPoint {
  /** Index of the request that carried it (0 = first export). */
  request: number;
  /** When the receiver got the request (epoch ms). */
  receivedAt: number;
  name: string;
  value: number;
  attributes: Record<string, string | number>;
  resource: Record<string, string | number>;
  /** OTLP AggregationTemporality of a sum: 1 delta, 2 cumulative. */
  temporality?: number;
}

function value(v: AnyValue): string | number {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  return v.doubleValue ?? Number.NaN;
}

function attrs(list: KeyValue[] | undefined): Record<string, string | number> {
  return Object.fromEntries((list ?? []).map((kv) => [kv.key, value(kv.value)]));
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export interface OtlpReceiver {
  /** Base URL, for `OTEL_EXPORTER_OTLP_ENDPOINT`. */
  url: string;
  /** The metrics URL, for `OTEL_EXPORTER_OTLP_METRICS_ENDPOINT` or the exporter's `url`. */
  metricsUrl: string;
  requests: Array<{ at: number; contentType: string | undefined; body: OtlpMetricsRequest }>;
  points(): ReceivedPoint[];
  /** Resolves when `predicate` holds for the points received so far (checked on every request). */
  waitFor(
    predicate: (points: ReceivedPoint[]) => boolean,
    timeoutMs?: number,
  ): Promise<ReceivedPoint[]>;
  close(): Promise<void>;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const requests: OtlpReceiver['requests'] = [];
  const waiters = new Set<() => void>();
  const server = createServer(async (req, res) => {
    if (req.method !== 'POST' || req.url !== '/v1/metrics') {
      res.writeHead(404).end();
      return;
    }
    const text = await body(req);
    requests.push({
      at: Date.now(),
      contentType: req.headers['content-type'],
      body: JSON.parse(text) as OtlpMetricsRequest,
    });
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    for (const w of waiters) w();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  const points = (): ReceivedPoint[] =>
    requests.flatMap((r, request) =>
      r.body.resourceMetrics.flatMap((rm) =>
        rm.scopeMetrics.flatMap((sm) =>
          sm.metrics.flatMap((m) =>
            (m.gauge?.dataPoints ?? m.sum?.dataPoints ?? []).map((dp) => ({
              request,
              receivedAt: r.at,
              name: m.name,
              value: Number(dp.asDouble ?? dp.asInt),
              attributes: attrs(dp.attributes),
              resource: attrs(rm.resource?.attributes),
              temporality: m.sum?.aggregationTemporality,
            })),
          ),
        ),
      ),
    );

  return {
    url,
    metricsUrl: `${url}/v1/metrics`,
    requests,
    points,
    waitFor(predicate, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const all = points();
          if (!predicate(all)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(all);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `no matching OTLP export within ${timeoutMs} ms (${requests.length} received)`,
            ),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
