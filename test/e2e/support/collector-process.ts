// The test collector as a child process, ready once its health_check extension answers.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { locateCollectorBuild } from '../../../collector/locate.ts';
import { TEST_AWS_ENV } from './cloudwatch-logs.js';
import { freePort } from './free-port.js';
import { SHIPPED_CONFIG_PATH } from './shipped-config.js';
import { WaitAborted, waitFor } from './wait-for.js';

export interface CollectorProcess {
  /** Everything the collector logged so far (for failure messages). */
  output(): string;
  /** SIGTERM (the collector flushes its pipelines), SIGKILL after a bounded wait. */
  close(): Promise<void>;
}

export interface StartCollectorOptions {
  binaryPath: string;
  configPath: string;
  /** Extra environment of the collector (its ${env:...} references). */
  env: Record<string, string>;
  /** The variable the config reads its health_check endpoint from. */
  healthCheckVariable: string;
}

export async function startCollector(options: StartCollectorOptions): Promise<CollectorProcess> {
  const healthPort = await freePort();
  const child: ChildProcess = spawn(options.binaryPath, ['--config', options.configPath], {
    env: {
      PATH: process.env.PATH ?? '',
      ...options.env,
      [options.healthCheckVariable]: `127.0.0.1:${healthPort}`,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const append = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = once(child, 'exit');

  const close = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const stopped = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]);
    if (!stopped) {
      child.kill('SIGKILL');
      await exited;
    }
  };
  try {
    await waitFor('the collector health check', async () => {
      if (child.exitCode !== null) throw new WaitAborted(`collector exited:\n${log}`);
      const response = await fetch(`http://127.0.0.1:${healthPort}/`).catch(() => undefined);
      return response?.ok === true;
    });
  } catch (error) {
    await close();
    throw error;
  }
  return { output: () => log, close };
}

/**
 * The test collector running the shipped otel-collector.yaml itself: only its ports come from its ${env:...}
 * references, and the AWS SDK inside awsemf takes moto's address, the region and the credentials from the
 * standard variables. `otlpHttpEndpoint` is where the app sends OTLP.
 */
export async function startShippedCollector(
  motoEndpoint: string,
): Promise<{ collector: CollectorProcess; otlpHttpEndpoint: string }> {
  const otlpHttpPort = await freePort();
  const collector = await startCollector({
    binaryPath: locateCollectorBuild().binaryPath,
    configPath: SHIPPED_CONFIG_PATH,
    env: {
      ...TEST_AWS_ENV,
      AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: motoEndpoint,
      ECS_TASK_METRICS_OTLP_HTTP_ENDPOINT: `127.0.0.1:${otlpHttpPort}`,
      ECS_TASK_METRICS_OTLP_GRPC_ENDPOINT: `127.0.0.1:${await freePort()}`,
    },
    healthCheckVariable: 'ECS_TASK_METRICS_HEALTH_CHECK_ENDPOINT',
  });
  return { collector, otlpHttpEndpoint: `http://127.0.0.1:${otlpHttpPort}` };
}
