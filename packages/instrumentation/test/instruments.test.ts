import { AggregationTemporality } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { flatten, inMemoryProvider } from '../../../test/helpers.js';
import { EcsInstruments } from '../src/instruments.js';
import type { ContainerMetrics, TaskSnapshot } from '../src/types.js';

function container(id: string, name: string, value: number): ContainerMetrics {
  return {
    id,
    name,
    memoryUsage: value,
    diskReadBytes: value + 1,
    diskWriteBytes: value + 2,
    networkRxBytes: value + 3,
    networkTxBytes: value + 4,
  };
}

/** A real MeterProvider whose one batch callback observes `current` (DELTA: no stale series re-exported). */
function setup() {
  const mp = inMemoryProvider(AggregationTemporality.DELTA);
  const meter = mp.provider.getMeter('test');
  const instruments = new EcsInstruments(meter);
  const state: { current: TaskSnapshot } = { current: { containers: [], task: {} } };
  meter.addBatchObservableCallback((r) => instruments.observe(r, state.current), instruments.all);
  return {
    provider: mp.provider,
    async collect(snapshot: TaskSnapshot) {
      state.current = snapshot;
      return flatten(await mp.collect());
    },
  };
}

describe('EcsInstruments attribute sets across collections', () => {
  it('follows renames, drops containers that left and adds new ones', async () => {
    const { collect, provider } = setup();
    const first = [container('id-a', 'web', 100), container('id-b', 'sidecar', 200)];
    const second = [container('id-a', 'web-renamed', 110), container('id-c', 'worker', 300)];

    for (const containers of [first, second]) {
      const points = await collect({ containers, task: {} });
      // Every point names one of this snapshot's containers with its current name, and only those.
      const expected = new Map(containers.map((c) => [c.id, c]));
      const seen = new Set<string>();
      for (const p of points) {
        const id = p.attributes['container.id'] as string;
        const c = expected.get(id);
        expect(c, `point of ${id}`).toBeDefined();
        expect(p.attributes['container.name']).toBe(c!.name);
        seen.add(id);
        if (p.name === 'container.memory.usage') expect(p.value).toBe(c!.memoryUsage);
        if (p.name === 'container.disk.io') {
          const dir = p.attributes['disk.io.direction'];
          expect(p.value).toBe(dir === 'read' ? c!.diskReadBytes : c!.diskWriteBytes);
        }
      }
      expect([...seen].sort()).toEqual([...expected.keys()].sort());
      // Five points per container: usage, disk read/write, network receive/transmit.
      expect(points).toHaveLength(containers.length * 5);
    }
    await provider.shutdown();
  });

  it('keeps the direction attributes apart from the container ones', async () => {
    const { collect, provider } = setup();
    const c = container('id-a', 'web', 10);
    const points = await collect({ containers: [c], task: {} });
    const network = points.filter((p) => p.name === 'container.network.io');
    expect(
      network
        .map((p) => p.attributes)
        .sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y))),
    ).toEqual([
      { 'container.name': 'web', 'container.id': 'id-a', 'network.io.direction': 'receive' },
      { 'container.name': 'web', 'container.id': 'id-a', 'network.io.direction': 'transmit' },
    ]);
    expect(network.find((p) => p.attributes['network.io.direction'] === 'receive')!.value).toBe(
      c.networkRxBytes,
    );
    await provider.shutdown();
  });
});
