/*
 * Local demo only (`npm start` at the repository root): there is no real cgroup, so this process reports its own
 * resident memory to the demo host, which writes it into the emulated task's container; and each export gets a
 * one-line summary on stderr. Active only when the process was forked with an IPC channel and
 * EXAMPLE_LOCAL_DEMO=1; a real deployment never has either.
 */
import { createMetricExporter, type EcsTaskMetricsOptions } from '@ecs-task-metrics/node';
import { SummarizingExporter } from './demo-summary.js';

/** Messages from the app to the demo host. */
export type DemoMessage = { type: 'rss'; bytes: number } | { type: 'listening'; url: string };

export const DEMO_ENV = 'EXAMPLE_LOCAL_DEMO';
const REPORT_EVERY_MS = 1000;

function send(message: DemoMessage): void {
  if (process.connected) process.send?.(message);
}

export interface DemoBridge {
  /** Tells the host where the app listens. */
  announce(url: string): void;
  /** Options of `startEcsTaskMetrics`: the exporter the environment names, with a summary line per export. */
  metricsOptions(): Promise<EcsTaskMetricsOptions>;
}

/** In local demo mode, starts reporting RSS to the host; undefined otherwise. */
export function startDemoBridge(): DemoBridge | undefined {
  if (process.env[DEMO_ENV] !== '1' || !process.send) return undefined;
  // The IPC channel must not keep a stopping app alive.
  process.channel?.unref();
  // The host went away without stopping us: stop as ECS would stop the task.
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
  const report = () => send({ type: 'rss', bytes: process.memoryUsage.rss() });
  report();
  setInterval(report, REPORT_EVERY_MS).unref();
  return {
    announce: (url) => send({ type: 'listening', url }),
    async metricsOptions() {
      const exporter = await createMetricExporter();
      if (!exporter) return {};
      return {
        exporter: new SummarizingExporter(exporter, (line) => process.stderr.write(line)),
      };
    },
  };
}
