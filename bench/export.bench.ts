// Exporter benchmark (issues 3 and 5): datums per second mapped and serialized, bytes per datum on
// the wire, requests per 1000 datums. Run with `npm run bench`; results go to bench/results/.
// Not a test: nothing here asserts a speed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { Readable, Writable } from 'node:stream';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import {
  CloudWatchMappingState,
  mapResourceMetrics,
  resolveMappingOptions,
} from '@ecs-task-metrics/cloudwatch-mapping';
import { batchDatums, CloudWatchMetricExporter } from '@ecs-task-metrics/exporter-cloudwatch';
import {
  EmfMetricExporter,
  groupIntoDocuments,
  serializeDocuments,
} from '@ecs-task-metrics/exporter-emf';
import { semconv } from '@ecs-task-metrics/instrumentation';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { Bench } from 'tinybench';

// A large task for throughput; wire sizes are also measured for a typical 3-container task.
const CONTAINERS = 50;
const SMALL_TASK_CONTAINERS = 3;
const NAMESPACE = 'ECSTaskMetrics';

/**
 * One collection shaped like the instrumentation's: per container its gauges, CPU time, disk and
 * network counters and an app latency histogram; per task the task gauges and network counters.
 */
async function collection(containers: number): Promise<ResourceMetrics> {
  const memory = new InMemoryMetricExporter(AggregationTemporality.DELTA);
  const reader = new PeriodicExportingMetricReader({
    exporter: memory,
    exportIntervalMillis: 3_600_000,
  });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({
      'aws.ecs.cluster.arn': 'arn:aws:ecs:us-west-2:111122223333:cluster/prod',
      'aws.ecs.task.arn': 'arn:aws:ecs:us-west-2:111122223333:task/prod/0123456789abcdef',
      'aws.ecs.task.family': 'checkout',
    }),
    readers: [reader],
  });
  const meter = provider.getMeter('bench');
  // The instrumentation's own metric names: gauges, except the I/O and CPU-time counters.
  const counters = new Set([
    semconv.METRIC_CONTAINER_CPU_TIME,
    semconv.METRIC_CONTAINER_DISK_IO,
    semconv.METRIC_CONTAINER_NETWORK_IO,
    semconv.METRIC_TASK_NETWORK_IO,
  ]);
  const names = Object.entries(semconv)
    .filter(([key, name]) => key.startsWith('METRIC_') && !counters.has(name))
    .map(([, name]) => name);
  const gauge = (prefix: string) =>
    names.filter((n) => n.startsWith(prefix)).map((n) => meter.createGauge(n, { unit: 'By' }));
  const containerGauges = gauge('container.');
  const taskGauges = gauge('aws.ecs.task.');
  const cpuTime = meter.createCounter(semconv.METRIC_CONTAINER_CPU_TIME, { unit: 's' });
  const disk = meter.createCounter(semconv.METRIC_CONTAINER_DISK_IO, { unit: 'By' });
  const network = meter.createCounter(semconv.METRIC_CONTAINER_NETWORK_IO, { unit: 'By' });
  const taskNetwork = meter.createCounter(semconv.METRIC_TASK_NETWORK_IO, { unit: 'By' });
  const latency = meter.createHistogram('http.server.request.duration', { unit: 's' });
  for (const [i, g] of taskGauges.entries()) g.record(1e9 + i);
  taskNetwork.add(1e6, { 'network.io.direction': 'receive' });
  taskNetwork.add(2e6, { 'network.io.direction': 'transmit' });
  for (let c = 0; c < containers; c++) {
    const container = {
      'container.name': `container-${c}`,
      'container.id': `${c}`.padStart(64, 'f'),
    };
    for (const [i, g] of containerGauges.entries()) g.record(1e6 * (c + 1) + i, container);
    cpuTime.add(12.5 * c, container);
    disk.add(4096 * c, { ...container, 'disk.io.direction': 'read' });
    disk.add(8192 * c, { ...container, 'disk.io.direction': 'write' });
    network.add(1500 * c, { ...container, 'network.io.direction': 'receive' });
    for (let k = 0; k < 20; k++) latency.record(0.001 * (k + 1) * (c + 1), container);
  }
  await reader.forceFlush();
  await provider.shutdown();
  return memory.getMetrics()[0]!;
}

/** A client whose requests never leave the process: the SDK serializes, signs and compresses. */
function capturingClient(
  requests: { bytes: number; gzip: boolean }[],
  compression = true,
): CloudWatchClient {
  return new CloudWatchClient({
    region: 'us-east-1',
    disableRequestCompression: !compression,
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    requestHandler: {
      async handle(request: { body?: unknown; headers: Record<string, string> }) {
        const body = request.body as Uint8Array | string | undefined;
        requests.push({
          bytes: typeof body === 'string' ? Buffer.byteLength(body) : (body?.byteLength ?? 0),
          gzip: request.headers['content-encoding'] === 'gzip',
        });
        return {
          response: {
            statusCode: 200,
            reason: 'OK',
            headers: { 'content-type': 'application/x-amz-json-1.0' },
            body: Readable.from([Buffer.from('{}')]),
          },
        };
      },
    } as never,
  });
}

function exportOnce(exporter: PushMetricExporter, rm: ResourceMetrics): Promise<void> {
  return new Promise((resolve, reject) =>
    exporter.export(rm, (r) => (r.code === 0 ? resolve() : reject(r.error))),
  );
}

/** Requests and request-body bytes of one export through the real SDK. */
async function measureWire(rm: ResourceMetrics, compression: boolean) {
  const requests: { bytes: number; gzip: boolean }[] = [];
  const exporter = new CloudWatchMetricExporter({
    namespace: NAMESPACE,
    client: capturingClient(requests, compression),
  });
  await exportOnce(exporter, rm);
  await exporter.shutdown();
  return { requests: requests.length, bytes: requests.reduce((a, r) => a + r.bytes, 0) };
}

async function wireFigures(rm: ResourceMetrics) {
  const datums = mapResourceMetrics(rm, resolveMappingOptions(), new CloudWatchMappingState());
  const gzip = await measureWire(rm, true);
  const plain = await measureWire(rm, false);
  const emfLines = serializeDocuments(
    groupIntoDocuments(datums, NAMESPACE).documents,
    16_000,
  ).lines;
  const emfBytes = emfLines.reduce((a, l) => a + Buffer.byteLength(l) + 1, 0);
  const perDatum = (bytes: number) => Number((bytes / datums.length).toFixed(1));
  return {
    datums: datums.length,
    putMetricDataRequests: gzip.requests,
    putMetricDataBytesPerDatumGzip: perDatum(gzip.bytes),
    putMetricDataBytesPerDatumPlain: perDatum(plain.bytes),
    emfLines: emfLines.length,
    emfBytesPerDatum: perDatum(emfBytes),
  };
}

const rm = await collection(CONTAINERS);
const options = resolveMappingOptions();
const state = new CloudWatchMappingState();
const datums = mapResourceMetrics(rm, options, state);
const datumCount = datums.length;
const cycle = (n: number) => Array.from({ length: n }, (_, i) => datums[i % datums.length]!);
const requestsFor = (n: number) =>
  batchDatums(cycle(n), { namespace: NAMESPACE, maxDatums: 1000, maxBytes: 1_000_000 }).length;

const bench = new Bench({ time: 1000, warmupTime: 200 });
const sinkRequests: { bytes: number; gzip: boolean }[] = [];
const benchExporter = new CloudWatchMetricExporter({
  namespace: NAMESPACE,
  client: capturingClient(sinkRequests),
});
// Like stdout on a pipe, which Node writes synchronously: each write completes at once.
const emfSink = new Writable({ write: (_chunk, _encoding, done) => done() });
const emfExporter = new EmfMetricExporter({ namespace: NAMESPACE, stream: emfSink });
bench
  .add('map collection to datums', () => {
    mapResourceMetrics(rm, options, state);
  })
  .add('map + batch + JSON-encode PutMetricData bodies', () => {
    const batches = batchDatums(mapResourceMetrics(rm, options, state), {
      namespace: NAMESPACE,
      maxDatums: 1000,
      maxBytes: 1_000_000,
    });
    for (const MetricData of batches) JSON.stringify({ Namespace: NAMESPACE, MetricData });
  })
  .add('CloudWatchMetricExporter.export (SDK serialize, sign, gzip; no network)', async () => {
    sinkRequests.length = 0;
    await exportOnce(benchExporter, rm);
  })
  .add('EmfMetricExporter.export (map, group, serialize, write)', async () => {
    await exportOnce(emfExporter, rm);
  });
await bench.run();

const rows = bench.tasks.map((task) => {
  const result = task.result as {
    state: string;
    error?: Error;
    latency?: { mean: number; p99: number };
  };
  if (result.error) process.stderr.write(`${task.name}: ${result.error.stack}\n`);
  const meanMs = result.latency?.mean ?? Number.NaN;
  return {
    task: task.name,
    'mean ms / collection': Number(meanMs.toFixed(3)),
    'p99 ms': Number((result.latency?.p99 ?? Number.NaN).toFixed(3)),
    'datums / s': Math.round((datumCount / meanMs) * 1000),
  };
});
const summary = {
  suite: 'export',
  date: new Date().toISOString(),
  node: process.version,
  datumsPerCollection: datumCount,
  tasks: rows,
  requestsPer1000Datums: requestsFor(1000),
  requestsPer2500Datums: requestsFor(2500),
  wire: {
    [`task with ${SMALL_TASK_CONTAINERS} containers`]: await wireFigures(
      await collection(SMALL_TASK_CONTAINERS),
    ),
    [`task with ${CONTAINERS} containers`]: await wireFigures(rm),
  },
};
await benchExporter.shutdown();
await emfExporter.shutdown();

mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL('./results/export.json', import.meta.url),
  `${JSON.stringify(summary, null, 2)}\n`,
);
process.stdout.write(`export bench: ${datumCount} datums per collection\n`);
for (const row of rows) process.stdout.write(`  ${JSON.stringify(row)}\n`);
process.stdout.write(
  `  requests per 1000 datums: ${summary.requestsPer1000Datums}, per 2500: ${summary.requestsPer2500Datums}\n`,
);
for (const [shape, figures] of Object.entries(summary.wire)) {
  process.stdout.write(`  wire, ${shape}: ${JSON.stringify(figures)}\n`);
}
