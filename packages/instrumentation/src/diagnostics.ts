import type { DiagLogger } from '@opentelemetry/api';

/**
 * Rate-limited diagnostics: the first message of each kind goes out at once, then at most one per interval,
 * with the number of messages held back, so a failing endpoint polled every second does not flood the log.
 */
export class ThrottledDiag {
  private readonly _last = new Map<string, { at: number; suppressed: number }>();

  constructor(
    private readonly _diag: DiagLogger,
    private readonly _intervalMs: number,
    private readonly _now: () => number,
  ) {}

  warn(kind: string, message: string): void {
    const now = this._now();
    const last = this._last.get(kind);
    if (last && now - last.at < this._intervalMs) {
      last.suppressed++;
      return;
    }
    const held = last?.suppressed ? ` (${last.suppressed} similar messages suppressed)` : '';
    this._last.set(kind, { at: now, suppressed: 0 });
    this._diag.warn(`${message}${held}`);
  }

  /** A kind that recovered logs again at once when it next fails. */
  clear(kind: string): void {
    this._last.delete(kind);
  }
}
