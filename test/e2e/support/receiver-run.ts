// One collection of the contrib receiver awsecscontainermetrics, run by the test collector against a TMDS URL.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCollector } from './collector-process.js';
import { waitFor } from './wait-for.js';

export const RECEIVER_CONFIG_PATH = new URL('../receiver-collector.yaml', import.meta.url).pathname;

/** A receiver value: the number, and the exact decimal text of an int64 (OTLP JSON writes them as strings). */
export interface ReceiverValue {
  value: number;
  text: string;
  unit: string;
}

export interface ReceiverCollection {
  /** Metric name (`ecs.task.*`) -> value. */
  task: Map<string, ReceiverValue>;
  /** Container name -> metric name (`container.*`) -> value. */
  containers: Map<string, Map<string, ReceiverValue>>;
}

interface OtlpAttribute {
  key: string;
  value: { stringValue?: string };
}
interface OtlpPoint {
  asInt?: string | number;
  asDouble?: number;
  timeUnixNano: string;
}
interface OtlpMetric {
  name: string;
  unit?: string;
  gauge?: { dataPoints: OtlpPoint[] };
  sum?: { dataPoints: OtlpPoint[] };
}
interface OtlpResourceMetrics {
  resource: { attributes?: OtlpAttribute[] };
  scopeMetrics: Array<{ metrics: OtlpMetric[] }>;
}

interface ParsedResource {
  containerName: string | undefined;
  time: string;
  metrics: Map<string, ReceiverValue>;
}

function parseResource(rm: OtlpResourceMetrics): ParsedResource {
  const containerName = rm.resource.attributes?.find((a) => a.key === 'container.name')?.value
    .stringValue;
  const metrics = new Map<string, ReceiverValue>();
  let time = '';
  for (const sm of rm.scopeMetrics) {
    for (const metric of sm.metrics) {
      const point = (metric.gauge ?? metric.sum)?.dataPoints[0];
      if (!point) continue;
      time = point.timeUnixNano;
      const text = String(point.asInt ?? point.asDouble ?? 0);
      metrics.set(metric.name, { value: Number(text), text, unit: metric.unit ?? '' });
    }
  }
  return { containerName, time, metrics };
}

/**
 * The first complete collection in the file exporter's output. Every collection is written as one line per
 * container, then one line for the task (the resource without `container.name`), all with the same timestamp.
 */
function firstCollection(output: string): ReceiverCollection | undefined {
  const lines = output.split('\n');
  lines.pop(); // the last element is '' or a line still being written
  const resources = lines.flatMap((line) =>
    (JSON.parse(line) as { resourceMetrics: OtlpResourceMetrics[] }).resourceMetrics.map(
      parseResource,
    ),
  );
  const task = resources.find((r) => r.containerName === undefined);
  if (!task) return undefined;
  const containers = new Map<string, Map<string, ReceiverValue>>();
  for (const r of resources) {
    if (r.containerName !== undefined && r.time === task.time)
      containers.set(r.containerName, r.metrics);
  }
  return { task: task.metrics, containers };
}

/** Runs the receiver against `metadataUrl` until it has written one whole collection. */
export async function collectWithReceiver(
  binaryPath: string,
  metadataUrl: string,
): Promise<ReceiverCollection> {
  const dir = await mkdtemp(join(tmpdir(), 'ecs-task-metrics-receiver-'));
  const outputPath = join(dir, 'metrics.jsonl');
  const collector = await startCollector({
    binaryPath,
    configPath: RECEIVER_CONFIG_PATH,
    env: {
      ECS_CONTAINER_METADATA_URI_V4: metadataUrl,
      ECS_TASK_METRICS_RECEIVER_OUTPUT: outputPath,
    },
    healthCheckVariable: 'ECS_TASK_METRICS_HEALTH_CHECK_ENDPOINT',
  });
  try {
    let collection: ReceiverCollection | undefined;
    await waitFor(
      'a collection of the awsecscontainermetrics receiver',
      async () => {
        collection = firstCollection(await readFile(outputPath, 'utf8').catch(() => ''));
        return collection !== undefined;
      },
      { attempts: 200 },
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${collector.output()}`);
    });
    return collection!;
  } finally {
    await collector.close();
    await rm(dir, { recursive: true, force: true });
  }
}
