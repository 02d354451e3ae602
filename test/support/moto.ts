import {
  type CloudWatchClient,
  type Datapoint,
  type Dimension,
  GetMetricStatisticsCommand,
} from '@aws-sdk/client-cloudwatch';
import { startMoto as startMotoServer } from '../e2e/support/moto.js';
import { findOnPath } from '../e2e/support/prerequisites.js';
import { FaultProxy } from './fault-proxy.js';

/** True when `moto_server` is on the PATH. */
export function hasMotoServer(): boolean {
  return findOnPath('moto_server') !== undefined;
}

/** The one line a suite prints when it skips for lack of moto. */
export const MOTO_SKIP_REASON =
  'moto_server not found on PATH (pip install "moto[server]"): skipping CloudWatch tests';

export interface Moto {
  endpoint: string;
  /** Forgets every metric (POST /moto-api/reset). */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** moto's server on a free loopback port (the e2e suite's harness), with a reset. */
export async function startMoto(): Promise<Moto> {
  const server = await startMotoServer();
  return {
    endpoint: server.endpoint,
    async reset() {
      const response = await fetch(`${server.endpoint}/moto-api/reset`, { method: 'POST' });
      await response.arrayBuffer();
    },
    stop: () => server.close(),
  };
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

/** CloudWatch's statistics of one metric over the last and next 15 minutes, in one period. */
export async function metricStatistics(
  client: CloudWatchClient,
  query: { namespace: string; metricName: string; dimensions: Dimension[] },
): Promise<Datapoint[]> {
  const now = Date.now();
  const { Datapoints = [] } = await client.send(
    new GetMetricStatisticsCommand({
      Namespace: query.namespace,
      MetricName: query.metricName,
      Dimensions: query.dimensions,
      StartTime: new Date(now - 15 * 60_000),
      EndTime: new Date(now + 15 * 60_000),
      Period: 3600,
      Statistics: ['SampleCount', 'Sum', 'Minimum', 'Maximum'],
    }),
  );
  return Datapoints;
}
