// A batch job run by the live emulator as its container: one phase in which a child process allocates
// ALLOC_MB MiB and holds them HOLD_MS ms. It prints "ready", waits for "go" on stdin, runs the phase, prints
// one JSON line with the phase summary and the exported points, and exits when stdin closes.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { EcsTaskMetricsInstrumentation } from '@ecs-task-metrics/instrumentation';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';

const allocMb = Number(process.env.ALLOC_MB);
const holdMs = Number(process.env.HOLD_MS);
const exporter = new InMemoryMetricExporter(AggregationTemporality.DELTA);
const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
const provider = new MeterProvider({ readers: [reader] });
const summaries = [];
const metrics = new EcsTaskMetricsInstrumentation({ onPhaseEnd: (s) => summaries.push(s) });
metrics.setMeterProvider(provider);

const allocate = () =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [
      '-e',
      `const b = Buffer.alloc(${allocMb} * 1024 * 1024, 1); setTimeout(() => b.length, ${holdMs});`,
    ]);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`child exited ${code}`)),
    );
  });

const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
process.stdout.write('ready\n');
await lines.next(); // "go": the test has taken an agent sample
await metrics.measure('allocate', allocate);
await reader.forceFlush();
const points = exporter.getMetrics().flatMap((rm) =>
  rm.scopeMetrics.flatMap((sm) =>
    sm.metrics.flatMap((m) =>
      m.dataPoints.map((dp) => ({
        name: m.descriptor.name,
        value: dp.value,
        attributes: dp.attributes,
      })),
    ),
  ),
);
process.stdout.write(`${JSON.stringify({ summaries, points })}\n`);
await lines.next(); // stdin closed: the test has read the kernel's files
metrics.disable();
await provider.shutdown();
