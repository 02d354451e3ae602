/*
 * Lifecycle instruments. Observed from the cached `/task` document in the same batch callback as the stats (no
 * extra request), for every container the task lists: a stopped container reports no stats any more, but its
 * status and exit code stay visible. Values that change (exit code, restarts, timings) are point values, never
 * attributes, so each container has a fixed number of series.
 */
import type {
  Attributes,
  BatchObservableResult,
  Gauge,
  Meter,
  Observable,
} from '@opentelemetry/api';
import { CONTAINER_STATUSES, type ContainerLifecycle, type TaskLifecycle } from './lifecycle.js';
import * as sc from './semconv.js';

function containerAttributes(c: ContainerLifecycle): Attributes {
  const attributes: Attributes = { [sc.ATTR_CONTAINER_NAME]: c.name };
  if (c.id !== undefined) attributes[sc.ATTR_CONTAINER_ID] = c.id;
  return attributes;
}

export class LifecycleInstruments {
  private readonly _status: Observable;
  private readonly _exitCode: Observable;
  private readonly _restarts: Observable;
  private readonly _startup: Gauge;
  private readonly _imagePull: Gauge;
  private _timingsRecorded = false;

  constructor(meter: Meter) {
    this._status = meter.createObservableUpDownCounter(sc.METRIC_CONTAINER_STATUS, {
      unit: '{container}',
      description: `Container status from the task metadata: 1 for the current ${sc.ATTR_CONTAINER_STATUS}, 0 for the others.`,
    });
    this._exitCode = meter.createObservableGauge(sc.METRIC_CONTAINER_EXIT_CODE, {
      unit: '1',
      description: 'Exit code of a stopped container (137: killed, e.g. by its memory limit).',
    });
    this._restarts = meter.createObservableCounter(sc.METRIC_CONTAINER_RESTART_COUNT, {
      unit: '{restart}',
      description: 'Restarts of the container by its ECS restart policy.',
    });
    this._startup = meter.createGauge(sc.METRIC_TASK_STARTUP_DURATION, {
      unit: 's',
      description: 'From the start of the image pull to the first container start. Emitted once.',
    });
    this._imagePull = meter.createGauge(sc.METRIC_TASK_IMAGE_PULL_DURATION, {
      unit: 's',
      description: 'Image pull time of the task. Emitted once.',
    });
  }

  /** The observable instruments, for `addBatchObservableCallback`. */
  get observables(): Observable[] {
    return [this._status, this._exitCode, this._restarts];
  }

  observe(result: BatchObservableResult, lifecycle: TaskLifecycle): void {
    for (const c of lifecycle.containers) {
      const attributes = containerAttributes(c);
      for (const status of CONTAINER_STATUSES) {
        result.observe(this._status, status === c.status ? 1 : 0, {
          ...attributes,
          [sc.ATTR_CONTAINER_STATUS]: status,
        });
      }
      if (c.exitCode !== undefined) result.observe(this._exitCode, c.exitCode, attributes);
      if (c.restartCount !== undefined) result.observe(this._restarts, c.restartCount, attributes);
    }
    // Timings do not change once known: recorded once, on the synchronous gauges.
    if (!this._timingsRecorded && lifecycle.startupSeconds !== undefined) {
      this._startup.record(lifecycle.startupSeconds);
      if (lifecycle.imagePullSeconds !== undefined)
        this._imagePull.record(lifecycle.imagePullSeconds);
      this._timingsRecorded = true;
    }
  }
}
