// moto's server on a free loopback port, standing in for CloudWatch Logs.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { freePort } from './free-port.js';
import { WaitAborted, waitFor } from './wait-for.js';

export interface MotoServer {
  /** http://127.0.0.1:PORT */
  readonly endpoint: string;
  close(): Promise<void>;
}

export async function startMoto(): Promise<MotoServer> {
  const port = await freePort();
  const child: ChildProcess = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }
  };
  try {
    await waitFor(`moto_server on ${endpoint}`, async () => {
      if (child.exitCode !== null) throw new WaitAborted(`moto_server exited: ${stderr}`);
      const response = await fetch(`${endpoint}/moto-api/`).catch(() => undefined);
      return response?.ok === true;
    });
  } catch (error) {
    await close();
    throw error;
  }
  return { endpoint, close };
}
