/*
 * Local demo only (`npm start` at the repository root): there is no real cgroup, so this process reports its own
 * resident memory to the demo host, which writes it into the emulated task's container. Active only when the
 * process was forked with an IPC channel and EXAMPLE_LOCAL_DEMO=1; a real deployment never has either.
 */

/** Messages from the app to the demo host. */
export type DemoMessage = { type: 'rss'; bytes: number } | { type: 'listening'; url: string };

export const DEMO_ENV = 'EXAMPLE_LOCAL_DEMO';
const REPORT_EVERY_MS = 1000;

function send(message: DemoMessage): void {
  if (process.connected) process.send?.(message);
}

/** Starts reporting RSS when in local demo mode; returns a function that announces the listening URL. */
export function startDemoBridge(): (url: string) => void {
  if (process.env[DEMO_ENV] !== '1' || !process.send) return () => {};
  // The IPC channel must not keep a stopping app alive.
  process.channel?.unref();
  // The host went away without stopping us: stop as ECS would stop the task.
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
  const report = () => send({ type: 'rss', bytes: process.memoryUsage.rss() });
  report();
  setInterval(report, REPORT_EVERY_MS).unref();
  return (url) => send({ type: 'listening', url });
}
