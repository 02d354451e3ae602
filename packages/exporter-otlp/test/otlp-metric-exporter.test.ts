import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AggregationTemporalityPreference, createOtlpMetricExporter } from '../src/index.js';

// OTLP's AggregationTemporality enum on the wire.
const WIRE_DELTA = 1;
const WIRE_CUMULATIVE = 2;

interface Received {
  path: string;
  contentType: string | undefined;
  body: any;
}

/** A loopback OTLP/HTTP endpoint that records what it receives and answers 200. */
let server: Server;
let received: Received[];
let origin: string;

beforeEach(async () => {
  received = [];
  server = createServer((request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        path: request.url ?? '',
        contentType: request.headers['content-type'],
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
      });
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

afterEach(async () => {
  vi.unstubAllEnvs();
  server.close();
  await once(server, 'close');
});

/** Exports a counter (+5, then +2) and an up-down counter (+3, then +1) in two collections. */
async function exportTwice(options?: Parameters<typeof createOtlpMetricExporter>[0]) {
  const reader = new PeriodicExportingMetricReader({
    exporter: createOtlpMetricExporter(options),
    exportIntervalMillis: 3_600_000,
  });
  const provider = new MeterProvider({ readers: [reader] });
  const meter = provider.getMeter('test');
  const counter = meter.createCounter('requests');
  const upDown = meter.createUpDownCounter('in_flight');
  counter.add(5);
  upDown.add(3);
  await reader.forceFlush();
  counter.add(2);
  upDown.add(1);
  await reader.forceFlush();
  // Shutting down exports once more; keep to the two collections above.
  const exported = received.length;
  await provider.shutdown();
  received.splice(exported);
}

function sumPoints(name: string) {
  return received.flatMap((r) =>
    r.body.resourceMetrics.flatMap((rm: any) =>
      rm.scopeMetrics.flatMap((sm: any) =>
        sm.metrics
          .filter((m: any) => m.name === name)
          .map((m: any) => ({
            temporality: m.sum.aggregationTemporality,
            value: Number(m.sum.dataPoints[0].asDouble ?? m.sum.dataPoints[0].asInt),
          })),
      ),
    ),
  );
}

describe('createOtlpMetricExporter', () => {
  it('sends counters as deltas to OTEL_EXPORTER_OTLP_ENDPOINT + /v1/metrics, as JSON', async () => {
    vi.stubEnv('OTEL_EXPORTER_OTLP_ENDPOINT', origin);
    await exportTwice();
    expect(received.map((r) => r.path)).toEqual(['/v1/metrics', '/v1/metrics']);
    expect(received[0]?.contentType).toMatch(/^application\/json/);
    expect(sumPoints('requests')).toEqual([
      { temporality: WIRE_DELTA, value: 5 },
      { temporality: WIRE_DELTA, value: 2 },
    ]);
    // Up-down counters stay cumulative: a delta of a level is meaningless.
    expect(sumPoints('in_flight')).toEqual([
      { temporality: WIRE_CUMULATIVE, value: 3 },
      { temporality: WIRE_CUMULATIVE, value: 4 },
    ]);
  });

  it('uses OTEL_EXPORTER_OTLP_METRICS_ENDPOINT as it is', async () => {
    vi.stubEnv('OTEL_EXPORTER_OTLP_ENDPOINT', `${origin}/not-this`);
    vi.stubEnv('OTEL_EXPORTER_OTLP_METRICS_ENDPOINT', `${origin}/custom/metrics`);
    await exportTwice();
    expect(received.map((r) => r.path)).toEqual(['/custom/metrics', '/custom/metrics']);
  });

  it('follows OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE when it is set', async () => {
    vi.stubEnv('OTEL_EXPORTER_OTLP_ENDPOINT', origin);
    vi.stubEnv('OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE', 'cumulative');
    await exportTwice();
    expect(sumPoints('requests')).toEqual([
      { temporality: WIRE_CUMULATIVE, value: 5 },
      { temporality: WIRE_CUMULATIVE, value: 7 },
    ]);
  });

  it('lets explicit options win over the environment', async () => {
    vi.stubEnv('OTEL_EXPORTER_OTLP_ENDPOINT', `${origin}/not-this`);
    vi.stubEnv('OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE', 'cumulative');
    await exportTwice({
      url: `${origin}/explicit`,
      temporalityPreference: AggregationTemporalityPreference.DELTA,
    });
    expect(received.map((r) => r.path)).toEqual(['/explicit', '/explicit']);
    expect(sumPoints('requests').map((p) => p.value)).toEqual([5, 2]);
  });
});
