/*
 * The instruments, created once per Meter, and how a snapshot is observed into them. Every point is
 * optional: a value the endpoint did not give is not reported (never as 0).
 */
import type {
  Attributes,
  BatchObservableResult,
  Meter,
  Observable,
  ObservableCounter,
  ObservableGauge,
} from '@opentelemetry/api';
import * as sc from './semconv.js';
import type { TaskSnapshot } from './types.js';

export class EcsInstruments {
  readonly containerMemoryUsage: ObservableGauge;
  readonly containerMemoryWorkingSet: ObservableGauge;
  readonly containerMemoryUsageMax: ObservableGauge;
  readonly containerMemoryLimit: ObservableGauge;
  readonly containerMemoryUtilization: ObservableGauge;
  readonly containerCpuUsage: ObservableGauge;
  readonly containerCpuUtilization: ObservableGauge;
  readonly containerCpuTime: ObservableCounter;
  readonly containerDiskIo: ObservableCounter;
  readonly containerNetworkIo: ObservableCounter;
  readonly containerUptime: ObservableGauge;
  readonly taskMemoryUsage: ObservableGauge;
  readonly taskMemoryWorkingSet: ObservableGauge;
  readonly taskMemoryLimit: ObservableGauge;
  readonly taskMemoryUtilization: ObservableGauge;
  readonly taskCpuUsage: ObservableGauge;
  readonly taskCpuLimit: ObservableGauge;
  readonly taskCpuUtilization: ObservableGauge;
  readonly taskNetworkIo: ObservableCounter;
  readonly taskEphemeralStorageUsage: ObservableGauge;
  readonly taskEphemeralStorageLimit: ObservableGauge;

  constructor(meter: Meter) {
    const gauge = (name: string, unit: string, description: string) =>
      meter.createObservableGauge(name, { unit, description });
    const counter = (name: string, unit: string, description: string) =>
      meter.createObservableCounter(name, { unit, description });

    this.containerMemoryUsage = gauge(
      sc.METRIC_CONTAINER_MEMORY_USAGE,
      'By',
      'Memory charged to the container, page cache included (Docker `usage`).',
    );
    this.containerMemoryWorkingSet = gauge(
      sc.METRIC_CONTAINER_MEMORY_WORKING_SET,
      'By',
      'Memory usage minus inactive file pages: what the kernel cannot reclaim.',
    );
    this.containerMemoryUsageMax = gauge(
      sc.METRIC_CONTAINER_MEMORY_USAGE_MAX,
      'By',
      'Peak memory usage: the kernel max_usage (cgroup v1), else the highest usage observed by this process.',
    );
    this.containerMemoryLimit = gauge(
      sc.METRIC_CONTAINER_MEMORY_LIMIT,
      'By',
      'The smallest memory limit that applies to the container (its cgroup limit or the task size).',
    );
    this.containerMemoryUtilization = gauge(
      sc.METRIC_CONTAINER_MEMORY_UTILIZATION,
      '1',
      'Working set divided by the effective memory limit.',
    );
    this.containerCpuUsage = gauge(
      sc.METRIC_CONTAINER_CPU_USAGE,
      '{cpu}',
      "vCPUs used over the agent's last sampling window.",
    );
    this.containerCpuUtilization = gauge(
      sc.METRIC_CONTAINER_CPU_UTILIZATION,
      '1',
      "vCPUs used divided by the container's CPU reservation, else the task vCPU.",
    );
    this.containerCpuTime = counter(sc.METRIC_CONTAINER_CPU_TIME, 's', 'Total CPU time consumed.');
    this.containerDiskIo = counter(
      sc.METRIC_CONTAINER_DISK_IO,
      'By',
      'Bytes read from and written to block devices.',
    );
    this.containerNetworkIo = counter(
      sc.METRIC_CONTAINER_NETWORK_IO,
      'By',
      'Bytes received and transmitted by a container with its own network namespace (bridge mode).',
    );
    this.containerUptime = gauge(
      sc.METRIC_CONTAINER_UPTIME,
      's',
      'Time since the container started.',
    );
    this.taskMemoryUsage = gauge(
      sc.METRIC_TASK_MEMORY_USAGE,
      'By',
      'Sum of the running containers’ memory usage.',
    );
    this.taskMemoryWorkingSet = gauge(
      sc.METRIC_TASK_MEMORY_WORKING_SET,
      'By',
      'Sum of the running containers’ working sets.',
    );
    this.taskMemoryLimit = gauge(
      sc.METRIC_TASK_MEMORY_LIMIT,
      'By',
      'Task memory size, else the sum of the container limits.',
    );
    this.taskMemoryUtilization = gauge(
      sc.METRIC_TASK_MEMORY_UTILIZATION,
      '1',
      'Task working set divided by the task memory limit.',
    );
    this.taskCpuUsage = gauge(sc.METRIC_TASK_CPU_USAGE, '{cpu}', 'vCPUs used by the task.');
    this.taskCpuLimit = gauge(
      sc.METRIC_TASK_CPU_LIMIT,
      '{cpu}',
      'Task vCPU size, else the sum of the container reservations.',
    );
    this.taskCpuUtilization = gauge(
      sc.METRIC_TASK_CPU_UTILIZATION,
      '1',
      'Task vCPU usage divided by the task vCPU limit.',
    );
    this.taskNetworkIo = counter(
      sc.METRIC_TASK_NETWORK_IO,
      'By',
      'Bytes received and transmitted by the task (counted once on awsvpc).',
    );
    this.taskEphemeralStorageUsage = gauge(
      sc.METRIC_TASK_EPHEMERAL_STORAGE_USAGE,
      'By',
      'Fargate ephemeral storage used.',
    );
    this.taskEphemeralStorageLimit = gauge(
      sc.METRIC_TASK_EPHEMERAL_STORAGE_LIMIT,
      'By',
      'Fargate ephemeral storage reserved.',
    );
  }

  /** Every instrument, for `addBatchObservableCallback`. */
  get all(): Observable[] {
    return Object.values(this).filter(
      (v): v is Observable => typeof v === 'object' && v !== null && 'addCallback' in v,
    );
  }

  /** Observes one snapshot. */
  observe(result: BatchObservableResult, snapshot: TaskSnapshot): void {
    const put = (instrument: Observable, value: number | undefined, attributes?: Attributes) => {
      if (value !== undefined && Number.isFinite(value))
        result.observe(instrument, value, attributes);
    };
    for (const c of snapshot.containers) {
      const attrs = { [sc.ATTR_CONTAINER_NAME]: c.name, [sc.ATTR_CONTAINER_ID]: c.id };
      put(this.containerMemoryUsage, c.memoryUsage, attrs);
      put(this.containerMemoryWorkingSet, c.memoryWorkingSet, attrs);
      put(this.containerMemoryUsageMax, c.memoryUsageMax, attrs);
      put(this.containerMemoryLimit, c.memoryLimit, attrs);
      put(this.containerMemoryUtilization, c.memoryUtilization, attrs);
      put(this.containerCpuUsage, c.cpuUsage, attrs);
      put(this.containerCpuUtilization, c.cpuUtilization, attrs);
      put(this.containerCpuTime, c.cpuTime, attrs);
      put(this.containerDiskIo, c.diskReadBytes, {
        ...attrs,
        [sc.ATTR_DISK_IO_DIRECTION]: sc.DISK_IO_DIRECTION_VALUE_READ,
      });
      put(this.containerDiskIo, c.diskWriteBytes, {
        ...attrs,
        [sc.ATTR_DISK_IO_DIRECTION]: sc.DISK_IO_DIRECTION_VALUE_WRITE,
      });
      put(this.containerNetworkIo, c.networkRxBytes, {
        ...attrs,
        [sc.ATTR_NETWORK_IO_DIRECTION]: sc.NETWORK_IO_DIRECTION_VALUE_RECEIVE,
      });
      put(this.containerNetworkIo, c.networkTxBytes, {
        ...attrs,
        [sc.ATTR_NETWORK_IO_DIRECTION]: sc.NETWORK_IO_DIRECTION_VALUE_TRANSMIT,
      });
      put(this.containerUptime, c.uptime, attrs);
    }
    const t = snapshot.task;
    put(this.taskMemoryUsage, t.memoryUsage);
    put(this.taskMemoryWorkingSet, t.memoryWorkingSet);
    put(this.taskMemoryLimit, t.memoryLimit);
    put(this.taskMemoryUtilization, t.memoryUtilization);
    put(this.taskCpuUsage, t.cpuUsage);
    put(this.taskCpuLimit, t.cpuLimit);
    put(this.taskCpuUtilization, t.cpuUtilization);
    put(this.taskNetworkIo, t.networkRxBytes, {
      [sc.ATTR_NETWORK_IO_DIRECTION]: sc.NETWORK_IO_DIRECTION_VALUE_RECEIVE,
    });
    put(this.taskNetworkIo, t.networkTxBytes, {
      [sc.ATTR_NETWORK_IO_DIRECTION]: sc.NETWORK_IO_DIRECTION_VALUE_TRANSMIT,
    });
    put(this.taskEphemeralStorageUsage, t.ephemeralStorageUsage);
    put(this.taskEphemeralStorageLimit, t.ephemeralStorageLimit);
  }
}
