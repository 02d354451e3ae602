// A scoring batch job in three phases, as RunTask or Step Functions start it on Amazon ECS. Each phase is
// measured: duration, this container's peak memory (the kernel's own high-water mark) and the task's peak.
// At the end, flush() waits for the agent's next sample and exports it: no sleep(10) before exiting.
//
//   node src/job.ts            (ROWS=200000 by default; OUTPUT=/tmp/scores.json)

import { writeFile } from 'node:fs/promises';
import { EcsTaskMetricsInstrumentation } from '@ecs-task-metrics/instrumentation';
import {
  ConsoleMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';

interface Row {
  id: number;
  features: number[];
}

const rowCount = Number(process.env.ROWS ?? 200_000);
const output = process.env.OUTPUT ?? '/tmp/scores.json';

// In production: the CloudWatch exporter (or an OTLP one) instead of the console.
const reader = new PeriodicExportingMetricReader({
  exporter: new ConsoleMetricExporter(),
  exportIntervalMillis: 60_000,
});
const meterProvider = new MeterProvider({ readers: [reader] });
const metrics = new EcsTaskMetricsInstrumentation({
  onPhaseEnd: (phase) =>
    process.stderr.write(
      `phase ${phase.name}: ${phase.durationMs} ms, peak ${Math.round((phase.container.usagePeak ?? 0) / 2 ** 20)} MiB (${phase.container.usagePeakSource ?? 'no source'})\n`,
    ),
});
metrics.setMeterProvider(meterProvider);

function load(): Row[] {
  return Array.from({ length: rowCount }, (_, id) => ({
    id,
    features: Array.from({ length: 16 }, (_, i) => Math.sin(id * (i + 1))),
  }));
}

function score(rows: Row[]): Float64Array {
  const weights = Array.from({ length: 16 }, (_, i) => 1 / (i + 1));
  const scores = new Float64Array(rows.length);
  rows.forEach((row, r) => {
    scores[r] = row.features.reduce((sum, f, i) => sum + f * (weights[i] ?? 0), 0);
  });
  return scores;
}

async function write(scores: Float64Array): Promise<void> {
  await writeFile(output, JSON.stringify(Array.from(scores)));
}

try {
  const rows = await metrics.measure('load', load);
  const scores = await metrics.measure('score', () => score(rows));
  await metrics.measure('write', () => write(scores));
} finally {
  // The shutdown path: wait for the agent's next sample (bounded), export it, stop.
  const flushed = await metrics.shutdown();
  process.stderr.write(
    `flushed: ${flushed.fresh ? 'fresh agent sample' : 'last agent sample'} after ${flushed.polls} poll(s)\n`,
  );
  await meterProvider.shutdown();
}
