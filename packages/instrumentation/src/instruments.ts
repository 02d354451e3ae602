/*
 * The instruments, created once per Meter from one table, and how a snapshot is observed into them. Every point
 * is optional: a value the endpoint did not give is not reported (never as 0).
 */
import type { Attributes, BatchObservableResult, Meter, Observable } from '@opentelemetry/api';
import { LifecycleInstruments } from './lifecycle-instruments.js';
import * as sc from './semconv.js';
import type { ContainerMetrics, TaskMetrics, TaskSnapshot } from './types.js';

type NumericKeys<T> = { [K in keyof T]-?: T[K] extends number | undefined ? K : never }[keyof T];

interface InstrumentSpec<T> {
  name: string;
  unit: string;
  kind: 'gauge' | 'counter';
  description: string;
  /** One point per listed field, each with its extra attributes. */
  points: Array<[field: NumericKeys<T>, attributes?: Attributes]>;
}

const read = { [sc.ATTR_DISK_IO_DIRECTION]: sc.DISK_IO_DIRECTION_VALUE_READ };
const write = { [sc.ATTR_DISK_IO_DIRECTION]: sc.DISK_IO_DIRECTION_VALUE_WRITE };
const receive = { [sc.ATTR_NETWORK_IO_DIRECTION]: sc.NETWORK_IO_DIRECTION_VALUE_RECEIVE };
const transmit = { [sc.ATTR_NETWORK_IO_DIRECTION]: sc.NETWORK_IO_DIRECTION_VALUE_TRANSMIT };

const CONTAINER_INSTRUMENTS: InstrumentSpec<ContainerMetrics>[] = [
  {
    name: sc.METRIC_CONTAINER_MEMORY_USAGE,
    unit: 'By',
    kind: 'gauge',
    description: 'Memory charged to the container, page cache included (Docker `usage`).',
    points: [['memoryUsage']],
  },
  {
    name: sc.METRIC_CONTAINER_MEMORY_WORKING_SET,
    unit: 'By',
    kind: 'gauge',
    description: 'Memory usage minus inactive file pages: what the kernel cannot reclaim.',
    points: [['memoryWorkingSet']],
  },
  {
    name: sc.METRIC_CONTAINER_MEMORY_USAGE_MAX,
    unit: 'By',
    kind: 'gauge',
    description:
      'Peak memory usage: the kernel max_usage (cgroup v1), else the highest usage observed by this process.',
    points: [['memoryUsageMax']],
  },
  {
    name: sc.METRIC_CONTAINER_MEMORY_LIMIT,
    unit: 'By',
    kind: 'gauge',
    description:
      'The smallest memory limit that applies to the container (its cgroup limit or the task size).',
    points: [['memoryLimit']],
  },
  {
    name: sc.METRIC_CONTAINER_MEMORY_UTILIZATION,
    unit: '1',
    kind: 'gauge',
    description: 'Working set divided by the effective memory limit.',
    points: [['memoryUtilization']],
  },
  {
    name: sc.METRIC_CONTAINER_CPU_USAGE,
    unit: '{cpu}',
    kind: 'gauge',
    description: "vCPUs used over the agent's last sampling window.",
    points: [['cpuUsage']],
  },
  {
    name: sc.METRIC_CONTAINER_CPU_UTILIZATION,
    unit: '1',
    kind: 'gauge',
    description: "vCPUs used divided by the container's CPU reservation, else the task vCPU.",
    points: [['cpuUtilization']],
  },
  {
    name: sc.METRIC_CONTAINER_CPU_TIME,
    unit: 's',
    kind: 'counter',
    description: 'Total CPU time consumed.',
    points: [['cpuTime']],
  },
  {
    name: sc.METRIC_CONTAINER_DISK_IO,
    unit: 'By',
    kind: 'counter',
    description: 'Bytes read from and written to block devices.',
    points: [
      ['diskReadBytes', read],
      ['diskWriteBytes', write],
    ],
  },
  {
    name: sc.METRIC_CONTAINER_NETWORK_IO,
    unit: 'By',
    kind: 'counter',
    description:
      'Bytes received and transmitted by a container with its own network namespace (bridge).',
    points: [
      ['networkRxBytes', receive],
      ['networkTxBytes', transmit],
    ],
  },
  {
    name: sc.METRIC_CONTAINER_UPTIME,
    unit: 's',
    kind: 'gauge',
    description: 'Time since the container started.',
    points: [['uptime']],
  },
];

const TASK_INSTRUMENTS: InstrumentSpec<TaskMetrics>[] = [
  {
    name: sc.METRIC_TASK_MEMORY_USAGE,
    unit: 'By',
    kind: 'gauge',
    description: "Sum of the running containers' memory usage.",
    points: [['memoryUsage']],
  },
  {
    name: sc.METRIC_TASK_MEMORY_WORKING_SET,
    unit: 'By',
    kind: 'gauge',
    description: "Sum of the running containers' working sets.",
    points: [['memoryWorkingSet']],
  },
  {
    name: sc.METRIC_TASK_MEMORY_LIMIT,
    unit: 'By',
    kind: 'gauge',
    description: 'Task memory size, else the sum of the container limits.',
    points: [['memoryLimit']],
  },
  {
    name: sc.METRIC_TASK_MEMORY_UTILIZATION,
    unit: '1',
    kind: 'gauge',
    description: 'Task working set divided by the task memory limit.',
    points: [['memoryUtilization']],
  },
  {
    name: sc.METRIC_TASK_CPU_USAGE,
    unit: '{cpu}',
    kind: 'gauge',
    description: 'vCPUs used by the task.',
    points: [['cpuUsage']],
  },
  {
    name: sc.METRIC_TASK_CPU_LIMIT,
    unit: '{cpu}',
    kind: 'gauge',
    description: 'Task vCPU size, else the sum of the container reservations.',
    points: [['cpuLimit']],
  },
  {
    name: sc.METRIC_TASK_CPU_UTILIZATION,
    unit: '1',
    kind: 'gauge',
    description: 'Task vCPU usage divided by the task vCPU limit.',
    points: [['cpuUtilization']],
  },
  {
    name: sc.METRIC_TASK_NETWORK_IO,
    unit: 'By',
    kind: 'counter',
    description: 'Bytes received and transmitted by the task (counted once on awsvpc).',
    points: [
      ['networkRxBytes', receive],
      ['networkTxBytes', transmit],
    ],
  },
  {
    name: sc.METRIC_TASK_EPHEMERAL_STORAGE_USAGE,
    unit: 'By',
    kind: 'gauge',
    description: 'Fargate ephemeral storage used.',
    points: [['ephemeralStorageUsage']],
  },
  {
    name: sc.METRIC_TASK_EPHEMERAL_STORAGE_LIMIT,
    unit: 'By',
    kind: 'gauge',
    description: 'Fargate ephemeral storage reserved.',
    points: [['ephemeralStorageLimit']],
  },
];

/** One point of one instrument: which field it reports and the extra attributes (index into the sets). */
interface PointPlan<T> {
  instrument: Observable;
  field: NumericKeys<T>;
  extra: Attributes | undefined;
}

function plan<T>(meter: Meter, specs: InstrumentSpec<T>[]): PointPlan<T>[] {
  return specs.flatMap((spec) => {
    const options = { unit: spec.unit, description: spec.description };
    const instrument =
      spec.kind === 'gauge'
        ? meter.createObservableGauge(spec.name, options)
        : meter.createObservableCounter(spec.name, options);
    return spec.points.map(([field, extra]) => ({ instrument, field, extra }));
  });
}

/** The attribute set of every point of a plan, in plan order. */
function attributeSets<T>(points: PointPlan<T>[], base: Attributes): Attributes[] {
  return points.map((p) => (p.extra ? { ...base, ...p.extra } : base));
}

function observeAll<T>(
  result: BatchObservableResult,
  points: PointPlan<T>[],
  values: T,
  sets: Attributes[],
): void {
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    const value = values[p.field] as number | undefined;
    if (value === undefined || !Number.isFinite(value)) continue;
    result.observe(p.instrument, value, sets[i]);
  }
}

interface ContainerAttributes {
  name: string;
  sets: Attributes[];
}

export class EcsInstruments {
  private readonly _container: PointPlan<ContainerMetrics>[];
  private readonly _task: PointPlan<TaskMetrics>[];
  private readonly _taskSets: Attributes[];
  private readonly _lifecycle: LifecycleInstruments;
  // Attribute sets are built once per container and reused while it runs: the SDK hashes every point's
  // attributes, and an object it has seen before costs it less than a new one with the same content.
  private _containerSets = new Map<string, ContainerAttributes>();

  constructor(meter: Meter) {
    this._container = plan(meter, CONTAINER_INSTRUMENTS);
    this._task = plan(meter, TASK_INSTRUMENTS);
    this._taskSets = attributeSets(this._task, {});
    this._lifecycle = new LifecycleInstruments(meter);
  }

  /** Every instrument, for `addBatchObservableCallback`. */
  get all(): Observable[] {
    return [
      ...new Set([...this._container, ...this._task].map((p) => p.instrument)),
      ...this._lifecycle.observables,
    ];
  }

  /** Observes one snapshot. */
  observe(result: BatchObservableResult, snapshot: TaskSnapshot): void {
    const previous = this._containerSets;
    const current = new Map<string, ContainerAttributes>();
    for (const c of snapshot.containers) {
      let attributes = previous.get(c.id);
      if (attributes?.name !== c.name) {
        const base = { [sc.ATTR_CONTAINER_NAME]: c.name, [sc.ATTR_CONTAINER_ID]: c.id };
        attributes = { name: c.name, sets: attributeSets(this._container, base) };
      }
      current.set(c.id, attributes);
      observeAll(result, this._container, c, attributes.sets);
    }
    // Only the containers of the last snapshot are kept, so the cache is as small as the task.
    this._containerSets = current;
    observeAll(result, this._task, snapshot.task, this._taskSets);
    if (snapshot.lifecycle) this._lifecycle.observe(result, snapshot.lifecycle);
  }
}
