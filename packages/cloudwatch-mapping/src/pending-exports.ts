import { type ExportResult, ExportResultCode } from '@opentelemetry/core';

/**
 * The PushMetricExporter contract both exporters keep: one result callback per export, FAILED
 * after shutdown, `forceFlush` and `shutdown` wait for exports in flight, `export()` never throws.
 */
export class PendingExports {
  private readonly inFlight = new Set<Promise<unknown>>();
  private stopped = false;

  /** True once `shutdown()` was called. */
  get isShutdown(): boolean {
    return this.stopped;
  }

  /** Runs one export and reports its result exactly once. */
  run(work: () => Promise<ExportResult>, resultCallback: (result: ExportResult) => void): void {
    if (this.stopped) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('exporter is shut down') });
      return;
    }
    let promise: Promise<ExportResult>;
    try {
      promise = work();
    } catch (error) {
      promise = Promise.reject(error);
    }
    const settled = promise
      .catch(
        (error: unknown): ExportResult => ({
          code: ExportResultCode.FAILED,
          error: error instanceof Error ? error : new Error(String(error)),
        }),
      )
      .then(resultCallback);
    this.inFlight.add(settled);
    void settled.finally(() => this.inFlight.delete(settled));
  }

  /** Resolves when every export started so far has reported. */
  async flush(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Refuses new exports, then waits for the ones in flight. */
  async shutdown(): Promise<void> {
    this.stopped = true;
    await this.flush();
  }
}
