import {
  type BatchObservableCallback,
  type Meter,
  type MeterProvider,
  metrics,
  type Observable,
} from '@opentelemetry/api';
import { InstrumentationBase } from '@opentelemetry/instrumentation';
import { ENDPOINT_ENV, type ResolvedConfig, resolveConfig } from './config.js';
import { ThrottledDiag } from './diagnostics.js';
import { endpointRejection } from './endpoint-policy.js';
import { waitForFreshSample } from './fresh-sample.js';
import { EcsInstruments } from './instruments.js';
import { OwnCgroupSampler } from './own-cgroup-sampler.js';
import { PhaseInstruments, PhaseRecorder } from './phases.js';
import { CollectionSelfMetrics } from './self-metrics.js';
import { TaskCollector } from './task-collector.js';
import { TmdsClient, TmdsError } from './tmds-client.js';
import type {
  CollectionFailure,
  EcsTaskMetricsInstrumentationConfig,
  FlushResult,
  TaskSnapshot,
  TmdsTaskMetadata,
} from './types.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version.js';

interface Running {
  config: ResolvedConfig;
  /** Undefined off ECS: phases still measure the own cgroup. */
  collector: TaskCollector | undefined;
  diag: ThrottledDiag;
  sampler: OwnCgroupSampler;
  phases: PhaseRecorder;
}

interface ForceFlushable {
  forceFlush(): Promise<void>;
}

/**
 * Amazon ECS task and container metrics from the task metadata endpoint v4, as observable instruments on a
 * MeterProvider. Every instrument is fed by one batch callback, so a collection costs exactly one GET of
 * `/task/stats` however many instruments and readers there are.
 *
 * Use it in `NodeSDK({ instrumentations: [...] })`, with `registerInstrumentations`, or alone:
 * `new EcsTaskMetricsInstrumentation().setMeterProvider(provider)`.
 */
export class EcsTaskMetricsInstrumentation extends InstrumentationBase<EcsTaskMetricsInstrumentationConfig> {
  // Assigned after super(): the base constructor calls _updateMetricInstruments() and enable() before
  // subclass fields exist, so both tolerate their absence and the constructor replays them.
  declare private _instruments: EcsInstruments | undefined;
  declare private _self: CollectionSelfMetrics | undefined;
  declare private _running: Running | undefined;
  declare private _lastFailure: CollectionFailure | undefined;
  declare private _attached: { meter: Meter; observables: Observable[] } | undefined;
  declare private readonly _callback: BatchObservableCallback;
  declare private _phaseInstruments: PhaseInstruments | undefined;
  declare private _meterProvider: MeterProvider | undefined;
  /** The fresh sample a flush waited for, observed by the collections of that flush. */
  declare private _flushSnapshot: TaskSnapshot | undefined;

  constructor(config: EcsTaskMetricsInstrumentationConfig = {}) {
    super(PACKAGE_NAME, PACKAGE_VERSION, config);
    this._callback = (result) => this._observe(result);
    this._updateMetricInstruments();
    if (this.isEnabled()) this._start();
  }

  protected override init(): void {
    // Nothing to patch: this instrumentation reads an HTTP endpoint, it does not wrap a module.
  }

  protected override _updateMetricInstruments(): void {
    if (this._callback === undefined) return;
    this._detach();
    this._instruments = new EcsInstruments(this.meter);
    this._phaseInstruments = new PhaseInstruments(this.meter);
    this._self = new CollectionSelfMetrics(this.meter);
    if (this._running) this._attach();
  }

  override setMeterProvider(meterProvider: MeterProvider): void {
    this._meterProvider = meterProvider;
    super.setMeterProvider(meterProvider);
  }

  override enable(): void {
    super.enable();
    if (this._callback !== undefined) this._start();
  }

  override disable(): void {
    super.disable();
    if (this._callback === undefined) return;
    this._detach();
    this._running?.sampler.stop();
    this._running = undefined;
  }

  /** Why the last collection reported nothing; undefined after a successful one. */
  get lastFailure(): CollectionFailure | undefined {
    return this._lastFailure;
  }

  /** The last `/task` document read (for resource-free consumers such as the CLI). */
  get taskMetadata(): TmdsTaskMetadata | undefined {
    return this._running?.collector?.taskMetadata;
  }

  /**
   * Reads the endpoint once and returns the computed numbers without going through a Meter.
   * Rejects with the cause when the endpoint cannot be read.
   */
  async collect(): Promise<TaskSnapshot> {
    const running = this._running;
    if (!running) {
      throw new TmdsError(
        'no-endpoint',
        '',
        `${ENDPOINT_ENV} is not set and no endpoint was given, or the instrumentation is disabled`,
      );
    }
    if (!running.collector) {
      throw new TmdsError(
        'no-endpoint',
        '',
        `${ENDPOINT_ENV} is not set and no endpoint was given`,
      );
    }
    return running.collector.collect();
  }

  /**
   * Runs one phase of a batch job and records its duration and the memory peaks of this container and of the
   * task while it ran, with the attribute `aws.ecs.phase.name`. Returns (or rethrows) what `fn` does; a failed
   * phase is recorded with `error.type`. Phases nest and run in sequence. When the instrumentation is disabled
   * it only runs `fn`.
   *
   * ```ts
   * const rows = await ecsMetrics.measure('load', () => loadRows(input));
   * ```
   */
  async measure<T>(name: string, fn: () => T | Promise<T>): Promise<T> {
    const running = this._running;
    if (!running) return fn();
    return running.phases.measure(name, fn);
  }

  /**
   * Waits for an agent sample newer than the last one observed (bounded by `flushTimeoutMs`, default 12 s),
   * then flushes the MeterProvider so that sample is exported. Use it at the end of a batch job instead of
   * sleeping for the agent's interval. Never rejects.
   */
  async flush(options: { timeoutMs?: number } = {}): Promise<FlushResult> {
    const running = this._running;
    let result: FlushResult = { fresh: false, polls: 0 };
    if (running?.collector) {
      const waited = await waitForFreshSample(running.collector, {
        timeoutMs: options.timeoutMs ?? running.config.flushTimeoutMs,
        now: running.config.now,
      });
      result = { fresh: waited.fresh, polls: waited.polls };
      const reads = waited.snapshot?.containers.map((c) => c.readAt ?? Number.NEGATIVE_INFINITY);
      if (reads && reads.length > 0) result.readAt = Math.max(...reads);
      if (!waited.fresh) {
        running.diag.warn('flush', 'flush: no new agent sample in time, exporting the last one');
      }
      this._flushSnapshot = waited.snapshot;
    }
    try {
      const provider = (this._meterProvider ??
        metrics.getMeterProvider()) as Partial<ForceFlushable>;
      await provider.forceFlush?.();
    } catch (err) {
      this._diag.warn(`flush: the MeterProvider failed to flush: ${(err as Error).message}`);
    } finally {
      this._flushSnapshot = undefined;
    }
    return result;
  }

  /** The shutdown path of a batch job: {@link flush}, then {@link disable}. */
  async shutdown(options: { timeoutMs?: number } = {}): Promise<FlushResult> {
    try {
      return await this.flush(options);
    } finally {
      this.disable();
    }
  }

  private _start(): void {
    if (this._running) return;
    const config = resolveConfig(this.getConfig());
    const diag = new ThrottledDiag(this._diag, config.diagnosticIntervalMs, config.now);
    let collector: TaskCollector | undefined;
    const problem: Omit<CollectionFailure, 'path'> | undefined = !config.endpoint
      ? {
          kind: 'no-endpoint',
          message: `${ENDPOINT_ENV} is not set: not running on Amazon ECS, no task metrics will be reported`,
        }
      : rejectedEndpoint(config.endpoint, config.allowAnyEndpoint);
    if (problem) {
      // One diagnostic; the phases and own-cgroup sampler still run without the endpoint.
      this._lastFailure = { ...problem, path: '' };
      this._diag.warn(problem.message);
    } else if (config.endpoint) {
      const client = new TmdsClient({
        endpoint: config.endpoint,
        timeoutMs: config.timeoutMs,
        get: config.get,
      });
      const onError = (failure: CollectionFailure) => this._self?.failed(failure);
      collector = new TaskCollector(client, config, diag, onError);
    }
    const sampler = new OwnCgroupSampler(
      {
        intervalMs: config.cgroupSampleIntervalMs,
        read: config.readTextFile,
        root: config.cgroupRoot,
        procFile: '/proc/self/cgroup',
        platform: process.platform,
      },
      this._diag,
    );
    const phases = new PhaseRecorder({
      sampler,
      collector,
      instruments: () => this._phaseInstruments,
      now: config.now,
      onPhaseEnd: config.onPhaseEnd,
    });
    if (collector) collector.onSnapshot = (snapshot) => phases.onSnapshot(snapshot);
    this._running = { config, collector, diag, sampler, phases };
    if (collector) this._attach();
  }

  private _attach(): void {
    if (!this._instruments || this._attached) return;
    const attached = { meter: this.meter, observables: this._instruments.all };
    attached.meter.addBatchObservableCallback(this._callback, attached.observables);
    this._attached = attached;
  }

  // Removes the callback from the meter it was added to, which may not be the current one.
  private _detach(): void {
    if (!this._attached) return;
    this._attached.meter.removeBatchObservableCallback(this._callback, this._attached.observables);
    this._attached = undefined;
  }

  // Never rejects: a failed read reports nothing this cycle and is logged (rate-limited).
  private async _observe(result: Parameters<BatchObservableCallback>[0]): Promise<void> {
    const running = this._running;
    const instruments = this._instruments;
    if (!running?.collector || !instruments) return;
    try {
      const snapshot = this._flushSnapshot ?? (await running.collector.collect());
      this._lastFailure = undefined;
      running.diag.clear('collect');
      instruments.observe(result, snapshot);
    } catch (err) {
      const failure: CollectionFailure =
        err instanceof TmdsError
          ? err
          : {
              kind: 'malformed-response',
              path: '',
              message: String((err as Error)?.message ?? err),
            };
      this._lastFailure = failure;
      running.diag.warn('collect', `task metrics not collected: ${failure.message}`);
    }
  }
}

function rejectedEndpoint(
  endpoint: string,
  allowAny: boolean,
): Omit<CollectionFailure, 'path'> | undefined {
  const message = endpointRejection(endpoint, allowAny);
  return message ? { kind: 'endpoint-rejected', message } : undefined;
}
