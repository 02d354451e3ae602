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

/** A container's attribute sets: its own, and one per status for the state set (in CONTAINER_STATUSES order). */
interface ContainerSets {
  base: Attributes;
  byStatus: Attributes[];
}

function containerSets(c: ContainerLifecycle): ContainerSets {
  const base: Attributes = { [sc.ATTR_CONTAINER_NAME]: c.name };
  if (c.id !== undefined) base[sc.ATTR_CONTAINER_ID] = c.id;
  return {
    base,
    byStatus: CONTAINER_STATUSES.map((status) => ({ ...base, [sc.ATTR_CONTAINER_STATUS]: status })),
  };
}

export class LifecycleInstruments {
  private readonly _status: Observable;
  private readonly _exitCode: Observable;
  private readonly _restarts: Observable;
  private readonly _startup: Gauge;
  private readonly _imagePull: Gauge;
  private _timingsRecorded = false;
  // Built once per container and reused, as for the stats instruments: the SDK hashes every point's attributes,
  // and an object it has seen before costs it less. Keyed by name and id; only the last listing's are kept.
  private _sets = new Map<string, ContainerSets>();

  constructor(meter: Meter) {
    this._status = meter.createObservableGauge(sc.METRIC_CONTAINER_STATUS, {
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
    const previous = this._sets;
    const current = new Map<string, ContainerSets>();
    for (const c of lifecycle.containers) {
      const key = `${c.name}\u0000${c.id ?? ''}`;
      const sets = previous.get(key) ?? containerSets(c);
      current.set(key, sets);
      for (let i = 0; i < CONTAINER_STATUSES.length; i++) {
        const status = CONTAINER_STATUSES[i]!;
        result.observe(this._status, status === c.status ? 1 : 0, sets.byStatus[i]);
      }
      if (c.exitCode !== undefined) result.observe(this._exitCode, c.exitCode, sets.base);
      if (c.restartCount !== undefined) result.observe(this._restarts, c.restartCount, sets.base);
    }
    this._sets = current;
    // Timings do not change once known: recorded once, on the synchronous gauges.
    if (!this._timingsRecorded && lifecycle.startupSeconds !== undefined) {
      this._startup.record(lifecycle.startupSeconds);
      if (lifecycle.imagePullSeconds !== undefined)
        this._imagePull.record(lifecycle.imagePullSeconds);
      this._timingsRecorded = true;
    }
  }
}
