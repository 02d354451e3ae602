/*
 * The example app's entry point: ECS task metrics set up in one call, then an ordinary Express server.
 * Configuration comes from the environment (ECS_TASK_METRICS_EXPORTER, OTEL_METRIC_EXPORT_INTERVAL, ...; see the
 * repository README), PORT and HOST from the task definition.
 */
import type { AddressInfo } from 'node:net';
import { startEcsTaskMetrics } from '@ecs-task-metrics/node';
import { createApp } from './app.js';
import { startDemoBridge } from './demo-bridge.js';
import { MemoryHolder } from './work.js';

// Undefined unless `npm start` runs the app against the TMDS emulator (see demo-bridge.ts).
const demo = startDemoBridge();
const metrics = await startEcsTaskMetrics(await demo?.metricsOptions());
const memory = new MemoryHolder();
const app = createApp(metrics, memory);

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '127.0.0.1';
const server = app.listen(port, host, () => {
  const { address, port: bound } = server.address() as AddressInfo;
  const url = `http://${address.includes(':') ? `[${address}]` : address}:${bound}`;
  process.stdout.write(`example app listening on ${url}\n`);
  demo?.announce(url);
});

// The app's own graceful stop. ecs-task-metrics exports its last collection on the same signal and, because
// this handler exists, leaves the exit to the app: once the server has closed, the event loop runs dry and the
// process exits (after the final export, on `beforeExit`).
let stopping = false;
function stop(signal: NodeJS.Signals): void {
  if (stopping) return;
  stopping = true;
  process.stdout.write(`example app: ${signal}, closing the server\n`);
  memory.releaseAll();
  server.close();
  server.closeIdleConnections();
  setTimeout(() => server.closeAllConnections(), 5000).unref();
}
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
