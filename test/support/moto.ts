import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { FaultProxy } from './fault-proxy.js';

/** True when `moto_server` is on the PATH. */
export function hasMotoServer(): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, 'moto_server'), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** The one line a suite prints when it skips for lack of moto. */
export const MOTO_SKIP_REASON =
  'moto_server not found on PATH (pip install "moto[server]"): skipping CloudWatch tests';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface Moto {
  endpoint: string;
  /** Forgets every metric (POST /moto-api/reset). */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts moto's server on a free loopback port and waits until it answers (bounded). */
export async function startMoto(): Promise<Moto> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: 'ignore',
  });
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  for (let attempt = 0; attempt < 100 && !exited; attempt++) {
    try {
      const response = await fetch(`${endpoint}/moto-api/`);
      await response.arrayBuffer();
      if (response.ok) {
        return {
          endpoint,
          async reset() {
            const r = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
            await r.arrayBuffer();
          },
          stop: () =>
            new Promise<void>((resolve) => {
              if (exited) return resolve();
              child.once('exit', () => resolve());
              child.kill('SIGTERM');
            }),
        };
      }
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill('SIGKILL');
  throw new Error(`moto_server did not start on port ${port}`);
}

/** Client settings for moto: its endpoint, a region, dummy credentials. */
export function motoClientConfig(endpoint: string) {
  return {
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  };
}

/** moto behind a {@link FaultProxy}: the proxy records requests and decompresses gzip for moto. */
export async function startMotoWithProxy(): Promise<{
  moto: Moto;
  proxy: FaultProxy;
  stop(): Promise<void>;
}> {
  const moto = await startMoto();
  const proxy = new FaultProxy(moto.endpoint);
  await proxy.start();
  return {
    moto,
    proxy,
    async stop() {
      await proxy.stop();
      await moto.stop();
    },
  };
}
