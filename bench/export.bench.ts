/*
 * Export: datums per second through the CloudWatch mapping and serialization, EMF documents per second, for
 * 10k-point collections; bytes per datum on the wire with and without gzip; PutMetricData requests per 1000
 * datums; and our EMF serialization against aws-embedded-metrics doing the same metrics. Nothing leaves the
 * process: the AWS SDK's client gets a request handler that answers 200 and keeps the request's size.
 */
import { Readable, Writable } from 'node:stream';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import {
  type CloudWatchDatum,
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
import { semconv as sc } from '@ecs-task-metrics/instrumentation';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { measureInterleaved } from './harness/measure.js';
import { round } from './harness/stats.js';
import type { Suite, Table } from './harness/types.js';
import { groupScalarDatums, serializeWithAwsEmbeddedMetrics } from './support/emf-comparison.js';

const NAMESPACE = 'ECSTaskMetrics';
const TARGET_POINTS = 10_000;
const SMALL_TASK_CONTAINERS = 3;
const EMF_LINE_BYTES = 16_000;
const PUT_LIMITS = { namespace: NAMESPACE, maxDatums: 1000, maxBytes: 1_000_000 };
const GAUGES = [
  sc.METRIC_CONTAINER_MEMORY_USAGE,
  sc.METRIC_CONTAINER_MEMORY_WORKING_SET,
  sc.METRIC_CONTAINER_MEMORY_USAGE_MAX,
  sc.METRIC_CONTAINER_MEMORY_LIMIT,
  sc.METRIC_CONTAINER_MEMORY_UTILIZATION,
  sc.METRIC_CONTAINER_CPU_USAGE,
  sc.METRIC_CONTAINER_CPU_UTILIZATION,
  sc.METRIC_CONTAINER_UPTIME,
  sc.METRIC_TASK_MEMORY_WORKING_SET,
  sc.METRIC_TASK_CPU_USAGE,
  sc.METRIC_TASK_MEMORY_LIMIT,
];
/** Points per container of the collection below: the gauges, 3 counter series, 1 histogram. */
const POINTS_PER_CONTAINER = GAUGES.length + 3 + 1;

/**
 * One collection shaped like the instrumentation's, scaled up: per container the gauges, disk read/write and
 * network receive counters, and a latency histogram of 20 values (as an app's own metrics add).
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
  const gauges = GAUGES.map((name) => meter.createGauge(name, { unit: 'By' }));
  const disk = meter.createCounter(sc.METRIC_CONTAINER_DISK_IO, { unit: 'By' });
  const network = meter.createCounter(sc.METRIC_CONTAINER_NETWORK_IO, { unit: 'By' });
  const latency = meter.createHistogram('http.server.request.duration', { unit: 's' });
  for (let c = 0; c < containers; c++) {
    const container = {
      'container.name': `container-${c}`,
      'container.id': `${c}`.padStart(64, 'f'),
    };
    for (const [i, gauge] of gauges.entries()) gauge.record(1e6 * (c + 1) + i, container);
    disk.add(4096 * c, { ...container, 'disk.io.direction': 'read' });
    disk.add(8192 * c, { ...container, 'disk.io.direction': 'write' });
    network.add(1500 * c, { ...container, 'network.io.direction': 'receive' });
    for (let k = 0; k < 20; k++) latency.record(0.001 * (k + 1) * (c + 1), container);
  }
  await reader.forceFlush();
  await provider.shutdown();
  return memory.getMetrics()[0]!;
}

function pointCount(rm: ResourceMetrics): number {
  return rm.scopeMetrics.reduce(
    (n, sm) => n + sm.metrics.reduce((k, m) => k + m.dataPoints.length, 0),
    0,
  );
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
  return {
    requests: requests.length,
    gzipped: requests.filter((r) => r.gzip).length,
    bytes: requests.reduce((a, r) => a + r.bytes, 0),
  };
}

const lineBytes = (lines: string[]) => lines.reduce((a, l) => a + Buffer.byteLength(l) + 1, 0);

async function wireFigures(label: string, rm: ResourceMetrics) {
  const datums = mapResourceMetrics(rm, resolveMappingOptions(), new CloudWatchMappingState());
  const gzip = await measureWire(rm, true);
  const plain = await measureWire(rm, false);
  const emf = serializeDocuments(groupIntoDocuments(datums, NAMESPACE).documents, EMF_LINE_BYTES);
  const perDatum = (bytes: number) => round(bytes / datums.length, 1);
  return [
    label,
    datums.length,
    gzip.requests,
    perDatum(plain.bytes),
    perDatum(gzip.bytes),
    `${gzip.gzipped}/${gzip.requests}`,
    emf.lines.length,
    perDatum(lineBytes(emf.lines)),
  ];
}

export const exportSuite: Suite = {
  name: 'export',
  title: 'Export: CloudWatch mapping, PutMetricData and EMF serialization',
  async run(context) {
    const containers = Math.ceil(TARGET_POINTS / POINTS_PER_CONTAINER);
    const rm = await collection(containers);
    const points = pointCount(rm);
    const options = resolveMappingOptions();
    const state = new CloudWatchMappingState();
    const datums = mapResourceMetrics(rm, options, state);
    const documents = groupIntoDocuments(datums, NAMESPACE).documents.length;
    context.progress(`  ${points} points -> ${datums.length} datums, ${documents} EMF documents`);

    // The EMF comparison takes the single-value datums, which both libraries can write.
    const scalar = datums.filter((d) => d.Value !== undefined);
    const groups = groupScalarDatums(scalar);
    const ours = serializeDocuments(
      groupIntoDocuments(scalar, NAMESPACE).documents,
      EMF_LINE_BYTES,
    );
    const theirs = serializeWithAwsEmbeddedMetrics(groups, NAMESPACE);
    checkSameMetrics(ours.lines, theirs, scalar);

    const sinkRequests: { bytes: number; gzip: boolean }[] = [];
    const cloudWatch = new CloudWatchMetricExporter({
      namespace: NAMESPACE,
      client: capturingClient(sinkRequests),
    });
    // Like stdout on a pipe, which Node writes synchronously: each write completes at once.
    const emfSink = new Writable({ write: (_chunk, _encoding, done) => done() });
    const emf = new EmfMetricExporter({ namespace: NAMESPACE, stream: emfSink });
    const measured = await measureInterleaved(
      [
        { name: 'map', fn: async () => mapResourceMetrics(rm, options, state) },
        {
          name: 'map + batch + JSON',
          fn: async () => {
            for (const MetricData of batchDatums(
              mapResourceMetrics(rm, options, state),
              PUT_LIMITS,
            )) {
              JSON.stringify({ Namespace: NAMESPACE, MetricData });
            }
          },
        },
        {
          name: 'PutMetricData export',
          fn: async () => {
            sinkRequests.length = 0;
            await exportOnce(cloudWatch, rm);
          },
        },
        { name: 'EMF export', fn: () => exportOnce(emf, rm) },
        {
          name: 'EMF serialize (ours)',
          fn: async () =>
            serializeDocuments(groupIntoDocuments(scalar, NAMESPACE).documents, EMF_LINE_BYTES),
        },
        {
          name: 'EMF serialize (aws-embedded-metrics)',
          fn: async () => serializeWithAwsEmbeddedMetrics(groupScalarDatums(scalar), NAMESPACE),
        },
      ],
      context.quick
        ? { rounds: 3, timeMs: 100, warmupMs: 100, minIterations: 2 }
        : { rounds: 12, timeMs: 500, warmupMs: 500, minIterations: 4 },
    );
    await cloudWatch.shutdown();
    await emf.shutdown();

    const by = Object.fromEntries(measured.map((m) => [m.name, m]));
    const what: Record<string, [string, number, number]> = {
      map: ['mapping to datums', datums.length, 0],
      'map + batch + JSON': ['mapping, 1000-datum batches, JSON bodies', datums.length, 0],
      'PutMetricData export': [
        'CloudWatchMetricExporter.export: SDK serialize, sign, gzip',
        datums.length,
        0,
      ],
      'EMF export': [
        'EmfMetricExporter.export: map, group, serialize, write',
        datums.length,
        documents,
      ],
      'EMF serialize (ours)': [
        'group + serialize, single-value datums',
        scalar.length,
        ours.lines.length,
      ],
      'EMF serialize (aws-embedded-metrics)': [
        'MetricsContext + LogSerializer, same datums',
        scalar.length,
        theirs.length,
      ],
    };
    const throughput: Table = {
      title: `Export throughput, one collection of ${points} points (${datums.length} datums)`,
      columns: [
        'task',
        'what',
        'ms p50',
        'ms p99',
        'CPU ms',
        'datums/s',
        'EMF documents/s',
        'rme %',
      ],
      rows: measured.map((m) => {
        const [label, n, docs] = what[m.name]!;
        const cpuMs = m.cpuPerRun / 1000;
        return [
          m.name,
          label,
          round(m.wall.p50 / 1000, 2),
          round(m.wall.p99 / 1000, 2),
          round(cpuMs, 2),
          Math.round((n / cpuMs) * 1000),
          docs ? Math.round((docs / cpuMs) * 1000) : '',
          round(m.wall.rme, 1),
        ];
      }),
      notes: [
        'datums/s and documents/s from the process CPU time per collection; no network (the SDK client answers 200).',
        `Collection: ${containers} containers x (${GAUGES.length} gauges, 3 counter series, 1 histogram of 20 values).`,
      ],
    };

    const requestsFor = (n: number) =>
      batchDatums(
        Array.from({ length: n }, (_, i) => datums[i % datums.length]!),
        PUT_LIMITS,
      ).length;
    const wire: Table = {
      title: 'On the wire: PutMetricData request bodies and EMF lines',
      columns: [
        'collection',
        'datums',
        'PutMetricData requests',
        'bytes/datum plain',
        'bytes/datum sent (gzip on)',
        'requests gzipped',
        'EMF lines',
        'EMF bytes/datum',
      ],
      rows: [
        await wireFigures(
          `${SMALL_TASK_CONTAINERS} containers`,
          await collection(SMALL_TASK_CONTAINERS),
        ),
        await wireFigures(`${points} points`, rm),
      ],
      notes: [
        'The AWS SDK gzips request bodies of 10 KiB or more (about 40 datums); a smaller request goes as it is.',
        `Requests per 1000 datums: ${requestsFor(1000)}; per 2500: ${requestsFor(2500)} (limits: 1000 datums, 1 MB a request).`,
      ],
    };
    const oursEmf = by['EMF serialize (ours)']!;
    const theirsEmf = by['EMF serialize (aws-embedded-metrics)']!;
    const comparison: Table = {
      title: `EMF serialization of the same ${scalar.length} single-value datums`,
      columns: ['library', 'lines', 'bytes/datum', 'CPU ms', 'datums/s'],
      rows: [
        [
          '@ecs-task-metrics/exporter-emf',
          ours.lines.length,
          round(lineBytes(ours.lines) / scalar.length, 1),
          round(oursEmf.cpuPerRun / 1000, 2),
          Math.round((scalar.length / oursEmf.cpuPerRun) * 1e6),
        ],
        [
          'aws-embedded-metrics',
          theirs.length,
          round(lineBytes(theirs) / scalar.length, 1),
          round(theirsEmf.cpuPerRun / 1000, 2),
          Math.round((scalar.length / theirsEmf.cpuPerRun) * 1e6),
        ],
      ],
      notes: [
        'Both group by timestamp and dimension set; aws-embedded-metrics gets one MetricsContext per group.',
      ],
    };
    const serialize = by['map + batch + JSON']!;
    return {
      tables: [throughput, wire, comparison],
      headlines: [
        {
          name: 'datums/s through mapping + PutMetricData serialization',
          value: Math.round((datums.length / serialize.cpuPerRun) * 1e6),
        },
        {
          name: 'EMF documents/s (EmfMetricExporter.export)',
          value: Math.round((documents / by['EMF export']!.cpuPerRun) * 1e6),
        },
        {
          name: 'PutMetricData requests per 1000 datums',
          value: requestsFor(1000),
          goal: '1',
          met: requestsFor(1000) === 1,
        },
        {
          name: 'EMF serialization, aws-embedded-metrics CPU / ours',
          value: round(theirsEmf.cpuPerRun / oursEmf.cpuPerRun, 2),
        },
      ],
      data: { points, datums: datums.length, documents, measured, wire: wire.rows },
    };
  },
};

/** Both serializations carry every datum once, with the same value. */
function checkSameMetrics(ours: string[], theirs: string[], datums: CloudWatchDatum[]): void {
  const values = (lines: string[]) => {
    const out: string[] = [];
    for (const line of lines) {
      const doc = JSON.parse(line);
      for (const d of doc._aws.CloudWatchMetrics[0].Metrics) out.push(`${d.Name}=${doc[d.Name]}`);
    }
    return out.sort();
  };
  const a = values(ours);
  const b = values(theirs);
  if (a.length !== datums.length || JSON.stringify(a) !== JSON.stringify(b)) {
    throw new Error(
      `EMF comparison: ${a.length} vs ${b.length} values for ${datums.length} datums`,
    );
  }
}
