/*
 * The ADOT sidecar path for the memory comparison: the collector built from collector/builder-config.yaml
 * running the shipped otel-collector.yaml, with moto standing in for CloudWatch Logs (awsemf's destination).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const SHIPPED_CONFIG = join(REPO_ROOT, 'otel-collector.yaml');

/** The collector binary when it has been built (npm run collector:build), else undefined. */
export async function collectorBinary(): Promise<string | undefined> {
  const locate = join(REPO_ROOT, 'collector', 'locate.ts');
  if (!existsSync(locate)) return undefined;
  // A .ts module run by Node's type stripping, as `npm run collector:build` runs it.
  const { locateCollectorBuild } = (await import(locate)) as {
    locateCollectorBuild(root: string): { binaryPath: string };
  };
  const { binaryPath } = locateCollectorBuild(REPO_ROOT);
  return existsSync(binaryPath) ? binaryPath : undefined;
}

export function onPath(name: string): boolean {
  return (process.env.PATH ?? '')
    .split(delimiter)
    .some((dir) => dir && existsSync(join(dir, name)));
}

export async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

/** Resident set size of a process in bytes (Linux /proc), undefined when it cannot be read. */
export function rssOf(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

export interface Process {
  child: ChildProcess;
  close(): Promise<void>;
}

/** Spawns `command` and waits (bounded) until `ready()` holds. */
async function startProcess(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  what: string,
  ready: () => Promise<boolean>,
): Promise<Process> {
  const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = once(child, 'exit');
  const close = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 30_000;
  while (!(await ready().catch(() => false))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await close();
      throw new Error(`${what} did not start: ${stderr.slice(-1000)}`);
    }
    await sleep(100);
  }
  return { child, close };
}

const ok = async (url: string) => (await fetch(url)).ok;

/** moto on a free loopback port; `endpoint` is its base URL. */
export async function startMoto(): Promise<Process & { endpoint: string }> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const p = await startProcess(
    'moto_server',
    ['-H', '127.0.0.1', '-p', String(port)],
    process.env,
    'moto_server',
    () => ok(`${endpoint}/moto-api/`),
  );
  return { ...p, endpoint };
}

/** The collector running the shipped config; OTLP/HTTP on `otlpUrl`, awsemf writing to `logsEndpoint`. */
export async function startCollector(
  binary: string,
  logsEndpoint: string,
): Promise<Process & { otlpUrl: string }> {
  const [http, grpc, health] = [await freePort(), await freePort(), await freePort()];
  const env = {
    PATH: process.env.PATH ?? '',
    AWS_REGION: 'us-west-2',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: logsEndpoint,
    ECS_TASK_METRICS_OTLP_HTTP_ENDPOINT: `127.0.0.1:${http}`,
    ECS_TASK_METRICS_OTLP_GRPC_ENDPOINT: `127.0.0.1:${grpc}`,
    ECS_TASK_METRICS_HEALTH_CHECK_ENDPOINT: `127.0.0.1:${health}`,
  };
  const p = await startProcess(binary, ['--config', SHIPPED_CONFIG], env, 'the collector', () =>
    ok(`http://127.0.0.1:${health}/`),
  );
  return { ...p, otlpUrl: `http://127.0.0.1:${http}/v1/metrics` };
}
