import { PassThrough } from 'node:stream';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { listMetricNameRules } from '@ecs-task-metrics/cloudwatch-mapping';
import { ENV, startEcsTaskMetrics } from '@ecs-task-metrics/node';
import { describe, expect, it } from 'vitest';
import { emfProblems, extractMetrics } from '../../../test/support/emf-validation.js';
import {
  hasMotoServer,
  MOTO_SKIP_REASON,
  metricStatistics,
  motoClientConfig,
  startMoto,
} from '../../../test/support/moto.js';
import { importExporter } from '../src/exporters.js';
import { cleanups, fixture, HOUR, NO_WAIT, onEcs, useCleanups } from './support.js';

useCleanups();

/** The one running container of the scenario, and its working set by the formula. */
function theContainer() {
  const [id, stats] = Object.entries(fixture('task-stats.json') as Record<string, any>)[0]!;
  const m = stats.memory_stats;
  return {
    id,
    name: String(stats.name).replace(/^\//, ''),
    workingSet: m.usage - m.stats.inactive_file,
  };
}

describe('exporter "emf" (chosen, named and namespaced by the environment)', () => {
  it('writes valid EMF with the Container Insights names and the namespace of the environment', async () => {
    await onEcs();
    const stream = new PassThrough();
    const lines: string[] = [];
    stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n')));
    const handle = await startEcsTaskMetrics({
      exportIntervalMillis: HOUR,
      shutdownSignals: [],
      instrumentation: NO_WAIT,
      emf: { stream },
      env: {
        [ENV.exporter]: 'emf',
        [ENV.namespace]: 'MyService',
        [ENV.metricNames]: 'container-insights',
      },
    });
    await handle.forceFlush();
    await handle.shutdown();

    const documents = lines.filter((l) => l.trim() !== '');
    expect(documents.length).toBeGreaterThan(0);
    for (const line of documents) expect(emfProblems(line)).toEqual([]);
    const metrics = documents.flatMap(extractMetrics);
    expect(new Set(metrics.map((m) => m.Namespace))).toEqual(new Set(['MyService']));

    // The task's working set under its Container Insights name and unit (one container: the task's sum).
    const rule = listMetricNameRules('container-insights').find(
      (r) => r.metric === 'aws.ecs.task.memory.working_set',
    )!;
    const datum = metrics.find((m) => m.MetricName === rule.name);
    expect(datum?.Unit).toBe(rule.unit);
    expect(datum?.Value).toBeCloseTo(theContainer().workingSet * rule.scale, 9);
  });
});

describe.skipIf(!hasMotoServer())('exporter "cloudwatch" against moto', () => {
  it('sends PutMetricData to the namespace of the environment, with the ECS resource as dimensions', async () => {
    await onEcs();
    const moto = await startMoto();
    cleanups.push(() => moto.stop());
    const handle = await startEcsTaskMetrics({
      exportIntervalMillis: HOUR,
      shutdownSignals: [],
      instrumentation: NO_WAIT,
      // moto does not read gzip bodies; CloudWatch itself gets them compressed.
      cloudwatch: {
        clientConfig: { ...motoClientConfig(moto.endpoint), disableRequestCompression: true },
      },
      env: { [ENV.exporter]: 'cloudwatch', [ENV.namespace]: 'MyService' },
    });
    await handle.forceFlush();
    await handle.shutdown();

    const task = fixture('task.json');
    const container = theContainer();
    const client = new CloudWatchClient(motoClientConfig(moto.endpoint));
    cleanups.push(() => client.destroy());
    const datapoints = await metricStatistics(client, {
      namespace: 'MyService',
      metricName: 'container.memory.working_set',
      dimensions: [
        { Name: 'ClusterName', Value: String(task.Cluster).split('/').pop()! },
        { Name: 'ContainerName', Value: container.name },
        { Name: 'TaskDefinitionFamily', Value: task.Family },
      ],
    });
    expect(datapoints.length).toBeGreaterThan(0);
    expect(datapoints[0]!.Maximum).toBe(container.workingSet);
  });
});
if (!hasMotoServer()) process.stdout.write(`${MOTO_SKIP_REASON}\n`);

describe('importExporter', () => {
  it('names the package to install when an exporter package is missing', async () => {
    const missing = '@ecs-task-metrics/exporter-that-is-not-installed';
    await expect(importExporter(missing, () => import(missing))).rejects.toThrow(
      `the "${missing}" exporter needs ${missing}: install ${missing}`,
    );
    await expect(
      importExporter('cloudwatch', () => Promise.reject(new Error('boom'))),
    ).rejects.toThrow('boom');
  });
});
