import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { startTmdsEmulator, type TmdsEmulator } from '@ecs-task-metrics/tmds-emulator';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadFixture } from '../packages/instrumentation/test/fixtures.js';
import { runCli as cli } from './helpers.js';
import { emfProblems, extractMetrics } from './support/emf-validation.js';
import type { FaultProxy } from './support/fault-proxy.js';
import {
  hasMotoServer,
  MOTO_SKIP_REASON,
  type Moto,
  metricStatistics,
  motoClientConfig,
  startMotoWithProxy,
} from './support/moto.js';

const SCENARIO = 'ec2-bridge-3-containers';
const fixture = (file: string) => loadFixture(SCENARIO, file);
const motoPresent = hasMotoServer();
if (!motoPresent) process.stderr.write(`${MOTO_SKIP_REASON}\n`);

/** Working set of every running container of the scenario, by the formula: usage - inactive file. */
function workingSets(): Map<string, number> {
  const task = fixture('task.json');
  const stats = fixture('task-stats.json');
  const out = new Map<string, number>();
  for (const c of task.Containers) {
    const s = stats[c.DockerId];
    if (s?.memory_stats)
      out.set(c.Name, s.memory_stats.usage - s.memory_stats.stats.total_inactive_file);
  }
  return out;
}

let emulator: TmdsEmulator;
beforeAll(async () => {
  emulator = await startTmdsEmulator({ scenario: SCENARIO });
});
afterAll(async () => {
  await emulator?.close();
});

describe('ecs-task-metrics snapshot --exporter emf', () => {
  it('prints valid EMF for one collection, with the scenario values', async () => {
    const { code, stdout, stderr } = await cli([
      'snapshot',
      '--exporter',
      'emf',
      '--namespace',
      'CliTest',
      '--endpoint',
      emulator.url,
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    for (const line of lines) expect(emfProblems(line)).toEqual([]);
    const metrics = lines.flatMap(extractMetrics);
    expect(new Set(metrics.map((m) => m.Namespace))).toEqual(new Set(['CliTest']));
    const task = fixture('task.json');
    for (const [name, workingSet] of workingSets()) {
      const found = metrics.filter(
        (m) =>
          m.MetricName === 'container.memory.working_set' &&
          m.Dimensions.some((d) => d.Name === 'ContainerName' && d.Value === name),
      );
      expect(
        found.map((m) => m.Value),
        name,
      ).toEqual([workingSet]);
      expect(found[0]!.Dimensions).toEqual(
        expect.arrayContaining([
          { Name: 'ClusterName', Value: task.Cluster },
          { Name: 'TaskDefinitionFamily', Value: task.Family },
        ]),
      );
    }
  });

  it('refuses an unknown exporter with one line and exit code 2', async () => {
    const { code, stdout, stderr } = await cli([
      'snapshot',
      '--exporter',
      'statsd',
      '--endpoint',
      emulator.url,
    ]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain('--exporter');
  });

  it('asks for --namespace with the cloudwatch exporter', async () => {
    const { code, stderr } = await cli([
      'snapshot',
      '--exporter',
      'cloudwatch',
      '--endpoint',
      emulator.url,
    ]);
    expect(code).toBe(2);
    expect(stderr).toContain('--namespace');
  });
});

describe.skipIf(!motoPresent)('ecs-task-metrics snapshot --exporter cloudwatch', () => {
  let moto: Moto;
  let proxy: FaultProxy;
  let stopMoto: () => Promise<void>;

  beforeAll(async () => {
    // The CLI keeps gzip on: the proxy decompresses for moto.
    ({ moto, proxy, stop: stopMoto } = await startMotoWithProxy());
  });
  afterEach(() => proxy.reset());
  afterAll(async () => {
    await stopMoto?.();
  });

  const awsEnv = () => ({
    AWS_ENDPOINT_URL_CLOUDWATCH: proxy.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
  });

  const exportToCloudWatch = () =>
    cli(
      [
        'snapshot',
        '--exporter',
        'cloudwatch',
        '--namespace',
        'CliTest',
        '--endpoint',
        emulator.url,
      ],
      awsEnv(),
    );

  it('sends one collection in one PutMetricData round and exits 0', async () => {
    const { code, stderr } = await exportToCloudWatch();
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(proxy.putMetricDataRequests()).toHaveLength(1);
    const reader = new CloudWatchClient(motoClientConfig(moto.endpoint));
    const task = fixture('task.json');
    for (const [name, workingSet] of workingSets()) {
      const Datapoints = await metricStatistics(reader, {
        namespace: 'CliTest',
        metricName: 'container.memory.working_set',
        dimensions: [
          { Name: 'ClusterName', Value: task.Cluster },
          { Name: 'TaskDefinitionFamily', Value: task.Family },
          { Name: 'ContainerName', Value: name },
        ],
      });
      expect(
        Datapoints.map((d) => d.Maximum),
        name,
      ).toEqual([workingSet]);
    }
    reader.destroy();
  });

  it('fails with one line and exit code 2 when CloudWatch keeps refusing', async () => {
    proxy.failNext(...Array.from({ length: 10 }, () => 'server-error' as const));
    const { code, stderr } = await exportToCloudWatch();
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain('export to cloudwatch failed');
  });
});
