/*
 * Phases of a batch job: `measure(name, fn)` runs `fn` and records its duration and the memory peaks of this
 * container and of the task while it ran. Phases nest (the enclosing phase is found through AsyncLocalStorage,
 * so concurrent phases keep their own parents) or run in sequence; a failing phase still records, with a
 * low-cardinality `error.type`.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Attributes, Gauge, Histogram, Meter } from '@opentelemetry/api';
import type { OwnCgroupSampler } from './own-cgroup-sampler.js';
import { type OthersMemory, PhaseWindow } from './phase-window.js';
import * as sc from './semconv.js';
import type { OwnContainer, TaskCollector } from './task-collector.js';
import type { PhaseSummary, TaskSnapshot } from './types.js';

/** Shortest time between two agent reads a phase triggers (the agent refreshes at most every second). */
export const PHASE_POLL_MIN_INTERVAL_MS = 1000;

const ERROR_TYPE = /^[A-Za-z_][\w.-]{0,63}$/;

/**
 * `error.type` of a thrown value: its `code` (Node system errors: `ENOENT`) or its class name (`TypeError`),
 * never the message, so the attribute keeps a small set of values; `_OTHER` for anything else.
 */
export function errorType(err: unknown): string {
  const e = err as { code?: unknown; name?: unknown } | null | undefined;
  const candidate = typeof e?.code === 'string' ? e.code : e?.name;
  return typeof candidate === 'string' && ERROR_TYPE.test(candidate)
    ? candidate
    : sc.ERROR_TYPE_VALUE_OTHER;
}

/** The phase instruments of one Meter. */
export class PhaseInstruments {
  readonly duration: Histogram;
  readonly containerUsagePeak: Gauge;
  readonly containerWorkingSetPeak: Gauge;
  readonly taskUsagePeak: Gauge;
  readonly taskWorkingSetPeak: Gauge;

  constructor(meter: Meter) {
    this.duration = meter.createHistogram(sc.METRIC_PHASE_DURATION, {
      unit: 's',
      description: 'Duration of a phase of a batch job.',
    });
    const gauge = (name: string, description: string) =>
      meter.createGauge(name, { unit: 'By', description });
    this.containerUsagePeak = gauge(
      sc.METRIC_CONTAINER_MEMORY_USAGE_PEAK,
      "Peak memory usage of this container during the phase (the kernel's high-water mark when it rose).",
    );
    this.containerWorkingSetPeak = gauge(
      sc.METRIC_CONTAINER_MEMORY_WORKING_SET_PEAK,
      'Peak working set of this container during the phase (sampled).',
    );
    this.taskUsagePeak = gauge(
      sc.METRIC_TASK_MEMORY_USAGE_PEAK,
      'Peak memory usage of the task during the phase: this container plus the others at their last sample.',
    );
    this.taskWorkingSetPeak = gauge(
      sc.METRIC_TASK_MEMORY_WORKING_SET_PEAK,
      'Peak working set of the task during the phase.',
    );
  }

  record(summary: PhaseSummary): void {
    const attributes: Attributes = { [sc.ATTR_PHASE_NAME]: summary.name };
    if (summary.parent !== undefined) attributes[sc.ATTR_PHASE_PARENT] = summary.parent;
    if (summary.errorType !== undefined) attributes[sc.ATTR_ERROR_TYPE] = summary.errorType;
    this.duration.record(summary.durationMs / 1000, attributes);
    const own: Attributes = { ...attributes };
    if (summary.container.name !== undefined) own[sc.ATTR_CONTAINER_NAME] = summary.container.name;
    if (summary.container.id !== undefined) own[sc.ATTR_CONTAINER_ID] = summary.container.id;
    const record = (gauge: Gauge, value: number | undefined, attrs: Attributes) => {
      if (value !== undefined) gauge.record(value, attrs);
    };
    record(this.containerUsagePeak, summary.container.usagePeak, own);
    record(this.containerWorkingSetPeak, summary.container.workingSetPeak, own);
    record(this.taskUsagePeak, summary.task.usagePeak, attributes);
    record(this.taskWorkingSetPeak, summary.task.workingSetPeak, attributes);
  }
}

export interface PhaseRecorderDeps {
  sampler: OwnCgroupSampler;
  /** The agent reader; undefined off ECS (phases then use the own cgroup only). */
  collector: TaskCollector | undefined;
  instruments: () => PhaseInstruments | undefined;
  now: () => number;
  onPhaseEnd: ((summary: PhaseSummary) => void) | undefined;
}

/** Runs and records phases; receives every agent snapshot the collector computes. */
export class PhaseRecorder {
  private readonly _current = new AsyncLocalStorage<string>();
  private readonly _open = new Set<PhaseWindow>();
  private _own: OwnContainer | undefined;
  private _others: OthersMemory | undefined;
  private _lastPoll = Number.NEGATIVE_INFINITY;

  constructor(private readonly _deps: PhaseRecorderDeps) {}

  /** Folds an agent snapshot into the open phases and remembers the other containers' memory. */
  onSnapshot(snapshot: TaskSnapshot): void {
    const own = this._own;
    if (own) {
      const others = snapshot.containers.filter((c) => c.id !== own.id);
      this._others = {
        usage: others.reduce((sum, c) => sum + (c.memoryUsage ?? 0), 0),
        workingSet: others.reduce((sum, c) => sum + (c.memoryWorkingSet ?? 0), 0),
      };
    }
    for (const window of this._open) window.addSnapshot(snapshot, own?.id);
  }

  async measure<T>(name: string, fn: () => T | Promise<T>): Promise<T> {
    const { collector, sampler, now } = this._deps;
    const parent = this._current.getStore();
    if (collector && !this._own) this._own = await collector.ownContainer();
    const startedAt = now();
    const window = new PhaseWindow(startedAt, () => this._others);
    this._open.add(window);
    sampler.open(window);
    // The other containers' memory is needed from the start: read the agent once if nothing is known yet.
    if (collector && !collector.lastSnapshot) this._poll(collector);
    let errorTypeValue: string | undefined;
    try {
      return await this._current.run(name, fn);
    } catch (err) {
      errorTypeValue = errorType(err);
      throw err;
    } finally {
      const durationMs = now() - startedAt;
      sampler.close(window);
      // An agent sample that landed during the phase belongs to it: one read at the end picks it up.
      if (collector) await this._poll(collector);
      this._open.delete(window);
      this._finish(window, { name, parent, durationMs, errorType: errorTypeValue });
    }
  }

  private async _poll(collector: TaskCollector): Promise<void> {
    const at = this._deps.now();
    if (at - this._lastPoll < PHASE_POLL_MIN_INTERVAL_MS) return;
    this._lastPoll = at;
    try {
      await collector.collect();
    } catch {
      // The instrumentation's own collections report endpoint failures; a phase only misses that sample.
    }
  }

  private _finish(
    window: PhaseWindow,
    run: { name: string; parent?: string; durationMs: number; errorType?: string },
  ): void {
    const peaks = window.peaks();
    const summary: PhaseSummary = {
      name: run.name,
      durationMs: run.durationMs,
      container: { ...peaks.container, name: this._own?.name, id: this._own?.id },
      task: peaks.task,
    };
    if (run.parent !== undefined) summary.parent = run.parent;
    if (run.errorType !== undefined) summary.errorType = run.errorType;
    this._deps.instruments()?.record(summary);
    try {
      this._deps.onPhaseEnd?.(summary);
    } catch {
      // A hook's failure must not change the job's result.
    }
  }
}
