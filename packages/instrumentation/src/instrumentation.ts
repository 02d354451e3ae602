import type { BatchObservableCallback, Meter, Observable } from '@opentelemetry/api';
import { InstrumentationBase } from '@opentelemetry/instrumentation';
import { ENDPOINT_ENV, resolveConfig } from './config.js';
import { ThrottledDiag } from './diagnostics.js';
import { EcsInstruments } from './instruments.js';
import { TaskCollector } from './task-collector.js';
import { TmdsClient, TmdsError } from './tmds-client.js';
import type {
  CollectionFailure,
  EcsTaskMetricsInstrumentationConfig,
  TaskSnapshot,
  TmdsTaskMetadata,
} from './types.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version.js';

interface Running {
  collector: TaskCollector;
  diag: ThrottledDiag;
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
  declare private _running: Running | undefined;
  declare private _lastFailure: CollectionFailure | undefined;
  declare private _attached: { meter: Meter; observables: Observable[] } | undefined;
  declare private readonly _callback: BatchObservableCallback;

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
    if (this._running) this._attach();
  }

  override enable(): void {
    super.enable();
    if (this._callback !== undefined) this._start();
  }

  override disable(): void {
    super.disable();
    if (this._callback === undefined) return;
    this._detach();
    this._running = undefined;
  }

  /** Why the last collection reported nothing; undefined after a successful one. */
  get lastFailure(): CollectionFailure | undefined {
    return this._lastFailure;
  }

  /** The last `/task` document read (for resource-free consumers such as the CLI). */
  get taskMetadata(): TmdsTaskMetadata | undefined {
    return this._running?.collector.taskMetadata;
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
    return running.collector.collect();
  }

  private _start(): void {
    if (this._running) return;
    const config = resolveConfig(this.getConfig());
    if (!config.endpoint) {
      this._lastFailure = {
        kind: 'no-endpoint',
        path: '',
        message: `${ENDPOINT_ENV} is not set: not running on Amazon ECS, no task metrics will be reported`,
      };
      this._diag.warn(this._lastFailure.message);
      return;
    }
    const diag = new ThrottledDiag(this._diag, config.diagnosticIntervalMs, config.now);
    const client = new TmdsClient({
      endpoint: config.endpoint,
      timeoutMs: config.timeoutMs,
      fetch: config.fetch,
    });
    this._running = { collector: new TaskCollector(client, config, diag), diag };
    this._attach();
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
    if (!running || !instruments) return;
    try {
      const snapshot = await running.collector.collect();
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
