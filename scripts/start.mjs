// `npm start`: the example Express app on a task served by the TMDS emulator, so no AWS is needed. The emulator's
// clock moves every few seconds, the app's own memory stands in for its container's, and the app's exporter
// (EMF on stdout by default) prints what it would send.

import { startLocalDemo } from '../examples/express-app/dist/local-demo.js';

const env = {
  PORT: process.env.PORT ?? '3000',
  ECS_TASK_METRICS_EXPORTER: process.env.ECS_TASK_METRICS_EXPORTER ?? 'emf',
};
const scenario = process.env.ECS_TASK_METRICS_SCENARIO ?? 'fargate-2-containers';
const everySeconds = 5;

let demo;
try {
  demo = await startLocalDemo({ scenario, env, advanceEverySeconds: everySeconds });
} catch (err) {
  process.stderr.write(
    `npm start: ${err.message}\n(is port ${env.PORT} in use? try PORT=3001 npm start)\n`,
  );
  process.exit(1);
}

const { url } = demo;
const exporter = env.ECS_TASK_METRICS_EXPORTER;
const EXPORTER_OUTPUT = {
  emf: 'one JSON line per dimension set below, what CloudWatch Logs would receive',
  console: "OpenTelemetry's console exporter output below",
  otlp: 'sent over OTLP/HTTP (OTEL_EXPORTER_OTLP_ENDPOINT, default http://localhost:4318)',
};
process.stdout.write(`
  Example app     ${url}/   <- open in a browser (the page refreshes every 5 s)
  Make it work    curl -X POST '${url}/work/memory?mb=200&ms=30000'
                  curl -X POST '${url}/work/cpu?ms=5000'
                  curl ${url}/healthz
  Task            "${scenario}", served by the TMDS emulator at ${demo.emulator.url}
                  the app's own memory is reported as its container "${demo.container.name}"
  Metrics         exporter "${exporter}" every ${everySeconds} s: ${EXPORTER_OUTPUT[exporter] ?? 'see its own output'},
                  then a one-line summary of each export
                  (ECS_TASK_METRICS_EXPORTER=console|emf|otlp npm start to choose another)
  Stop            Ctrl-C (the app gets SIGTERM, as on ECS, and exports once more)

`);

for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => void demo.close());
const { code, signal } = await demo.exited;
await demo.close();
process.stdout.write(`example app stopped (${signal ?? `exit code ${code}`})\n`);
