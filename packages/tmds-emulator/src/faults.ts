import type { EmulatorFault } from './types.js';

/** Holds the injected fault and hands it out to the requests it applies to, counting down `count`. */
export class FaultInjector {
  private fault: EmulatorFault | undefined;
  private remaining = Number.POSITIVE_INFINITY;

  set(fault: EmulatorFault | undefined): void {
    if (fault?.count !== undefined && (!Number.isInteger(fault.count) || fault.count < 1)) {
      throw new RangeError(
        `tmds-emulator: fault count must be a positive integer, got ${fault.count}`,
      );
    }
    this.fault = fault;
    this.remaining = fault?.count ?? Number.POSITIVE_INFINITY;
  }

  /** The fault for a request to `path`, if any; consumes one of its `count`. */
  take(path: string): EmulatorFault | undefined {
    const fault = this.fault;
    if (!fault || (fault.paths && !fault.paths.includes(path))) return undefined;
    this.remaining -= 1;
    if (this.remaining <= 0) this.fault = undefined;
    return fault;
  }
}

/** A body that is not valid JSON: the real one with a trailing comma before its last closing bracket. */
export function malformedBody(body: string): string {
  const last = Math.max(body.lastIndexOf('}'), body.lastIndexOf(']'));
  return last < 0 ? `${body},` : `${body.slice(0, last)},${body.slice(last)}`;
}

/** The first half of the real body. */
export function truncatedBody(body: string): string {
  return body.slice(0, Math.floor(body.length / 2));
}
