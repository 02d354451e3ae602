// How the contrib receiver's metrics map onto ours, metric by metric, and the comparison of one scenario.
import type { FlatPoint } from '../../helpers.js';
import type { ReceiverCollection, ReceiverValue } from './receiver-run.js';

const MIB = 1024 * 1024;

/** Our points of one collection, and how to read a value from them. */
export class OurPoints {
  constructor(readonly points: FlatPoint[]) {}

  private matching(name: string, attributes: Record<string, string>): number[] {
    return this.points
      .filter(
        (p) =>
          p.name === name && Object.entries(attributes).every(([k, v]) => p.attributes[k] === v),
      )
      .map((p) => p.value);
  }

  /** The value of the point named `name` with these attributes; undefined when we report none. */
  value(name: string, attributes: Record<string, string> = {}): number | undefined {
    const values = this.matching(name, attributes);
    if (values.length > 1) {
      throw new Error(`${values.length} points for ${name} ${JSON.stringify(attributes)}`);
    }
    return values[0];
  }

  /** Sum over containers of one per-container point; undefined when no container has it. */
  sum(name: string, attributes: Record<string, string> = {}): number | undefined {
    const values = this.matching(name, attributes);
    return values.length === 0 ? undefined : values.reduce((a, b) => a + b, 0);
  }
}

type Convert = (value: number | undefined) => number | undefined;
const same: Convert = (v) => v;
const scale =
  (factor: number): Convert =>
  (v) =>
    v === undefined ? undefined : v * factor;
const wholeMib: Convert = (v) => (v === undefined ? undefined : Math.floor(v / MIB));

/** One receiver metric and the value of ours it measures, in the receiver's unit. */
export interface MetricPair {
  /** The receiver's metric name. */
  receiver: string;
  /** Our metric and the conversion to the receiver's unit, as written in the published table. */
  ours: string;
  /** The name of our metric. */
  ourMetric: string;
  value(ours: OurPoints, container: string | undefined): number | undefined;
}

/** A pair whose value is one point of ours: the container's own (by `container.name`) or the task's. */
function pair(
  level: 'container' | 'task',
  receiver: string,
  ours: string,
  name: string,
  attributes: Record<string, string> = {},
  convert: Convert = same,
): MetricPair {
  return {
    receiver,
    ours,
    ourMetric: name,
    value: (points, container) =>
      convert(
        points.value(
          name,
          level === 'container' ? { ...attributes, 'container.name': container ?? '' } : attributes,
        ),
      ),
  };
}
type PairArgs = [
  receiver: string,
  ours: string,
  name: string,
  attributes?: Record<string, string>,
  convert?: Convert,
];
const containerPair = (...args: PairArgs) => pair('container', ...args);
const taskPair = (...args: PairArgs) => pair('task', ...args);

const receive = { 'network.io.direction': 'receive' };
const transmit = { 'network.io.direction': 'transmit' };
const read = { 'disk.io.direction': 'read' };
const write = { 'disk.io.direction': 'write' };

/** Per container: the receiver's `container.*` metrics with a counterpart of ours. */
export const CONTAINER_PAIRS: MetricPair[] = [
  containerPair('container.memory.usage', 'container.memory.usage', 'container.memory.usage'),
  containerPair(
    'container.memory.usage.max',
    'container.memory.usage.max',
    'container.memory.usage.max',
  ),
  containerPair('container.memory.usage.limit', 'container.memory.limit', 'container.memory.limit'),
  containerPair(
    'container.memory.utilized',
    'container.memory.working_set ÷ 2^20, rounded down',
    'container.memory.working_set',
    {},
    wholeMib,
  ),
  containerPair(
    'container.cpu.usage.total',
    'container.cpu.time × 10^9',
    'container.cpu.time',
    {},
    (v) => (v === undefined ? undefined : Math.round(v * 1e9)),
  ),
  containerPair('container.cpu.usage.vcpu', 'container.cpu.usage', 'container.cpu.usage'),
  containerPair(
    'container.cpu.utilized',
    'container.cpu.usage × 100',
    'container.cpu.usage',
    {},
    scale(100),
  ),
  containerPair(
    'container.network.io.usage.rx_bytes',
    'container.network.io (receive)',
    'container.network.io',
    receive,
  ),
  containerPair(
    'container.network.io.usage.tx_bytes',
    'container.network.io (transmit)',
    'container.network.io',
    transmit,
  ),
  containerPair(
    'container.storage.read_bytes',
    'container.disk.io (read)',
    'container.disk.io',
    read,
  ),
  containerPair(
    'container.storage.write_bytes',
    'container.disk.io (write)',
    'container.disk.io',
    write,
  ),
];

/** Per task: the receiver's `ecs.task.*` metrics with a counterpart of ours. */
export const TASK_PAIRS: MetricPair[] = [
  taskPair('ecs.task.memory.usage', 'aws.ecs.task.memory.usage', 'aws.ecs.task.memory.usage'),
  taskPair('ecs.task.memory.usage.limit', 'aws.ecs.task.memory.limit', 'aws.ecs.task.memory.limit'),
  taskPair(
    'ecs.task.memory.utilized',
    'aws.ecs.task.memory.working_set ÷ 2^20, rounded down',
    'aws.ecs.task.memory.working_set',
    {},
    wholeMib,
  ),
  taskPair(
    'ecs.task.memory.reserved',
    'aws.ecs.task.memory.limit ÷ 2^20',
    'aws.ecs.task.memory.limit',
    {},
    scale(1 / MIB),
  ),
  taskPair('ecs.task.cpu.usage.vcpu', 'aws.ecs.task.cpu.usage', 'aws.ecs.task.cpu.usage'),
  taskPair(
    'ecs.task.cpu.utilized',
    'aws.ecs.task.cpu.usage × 100',
    'aws.ecs.task.cpu.usage',
    {},
    scale(100),
  ),
  taskPair(
    'ecs.task.cpu.reserved',
    'aws.ecs.task.cpu.limit × 1024',
    'aws.ecs.task.cpu.limit',
    {},
    scale(1024),
  ),
  taskPair(
    'ecs.task.network.io.usage.rx_bytes',
    'aws.ecs.task.network.io (receive)',
    'aws.ecs.task.network.io',
    receive,
  ),
  taskPair(
    'ecs.task.network.io.usage.tx_bytes',
    'aws.ecs.task.network.io (transmit)',
    'aws.ecs.task.network.io',
    transmit,
  ),
  {
    receiver: 'ecs.task.storage.read_bytes',
    ours: 'Σ container.disk.io (read)',
    ourMetric: 'container.disk.io',
    value: (points) => points.sum('container.disk.io', read),
  },
  {
    receiver: 'ecs.task.storage.write_bytes',
    ours: 'Σ container.disk.io (write)',
    ourMetric: 'container.disk.io',
    value: (points) => points.sum('container.disk.io', write),
  },
  taskPair(
    'ecs.task.ephemeral_storage.utilized',
    'aws.ecs.task.ephemeral_storage.usage ÷ 2^20',
    'aws.ecs.task.ephemeral_storage.usage',
    {},
    scale(1 / MIB),
  ),
  taskPair(
    'ecs.task.ephemeral_storage.reserved',
    'aws.ecs.task.ephemeral_storage.limit ÷ 2^20',
    'aws.ecs.task.ephemeral_storage.limit',
    {},
    scale(1 / MIB),
  ),
];

/** One receiver metric of one container (or the task) next to our value for it. */
export interface ComparedValue {
  scenario: string;
  /** Container name; undefined for the task. */
  container: string | undefined;
  pair: MetricPair;
  receiver: ReceiverValue | undefined;
  ours: number | undefined;
  equal: boolean;
}

function equalValues(a: number | undefined, b: number | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

/** Every mapped metric of one scenario where the receiver or we report something. */
export function compareScenario(
  scenario: string,
  receiver: ReceiverCollection,
  ours: OurPoints,
): ComparedValue[] {
  const compared: ComparedValue[] = [];
  const add = (
    container: string | undefined,
    pair: MetricPair,
    value: ReceiverValue | undefined,
  ) => {
    const our = pair.value(ours, container);
    if (value === undefined && our === undefined) return;
    compared.push({
      scenario,
      container,
      pair,
      receiver: value,
      ours: our,
      equal: equalValues(value?.value, our),
    });
  };
  // Containers either side reports: the receiver skips stopped ones, we skip those without stats.
  const containers = new Set([
    ...receiver.containers.keys(),
    ...ours.points
      .map((p) => p.attributes['container.name'])
      .filter((name): name is string => typeof name === 'string'),
  ]);
  for (const container of [...containers].sort()) {
    const metrics = receiver.containers.get(container);
    for (const pair of CONTAINER_PAIRS) add(container, pair, metrics?.get(pair.receiver));
  }
  for (const pair of TASK_PAIRS) add(undefined, pair, receiver.task.get(pair.receiver));
  return compared;
}
