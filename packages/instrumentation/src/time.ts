/**
 * RFC 3339 timestamps with nanosecond fractions, as the agent writes `read` and `preread`.
 * A number of nanoseconds since the epoch does not fit a double exactly, so a time is kept as whole epoch
 * seconds plus the nanosecond fraction, and differences are taken part by part.
 */
export interface NanoTime {
  seconds: number;
  nanos: number;
}

const RFC3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/** Parses an RFC 3339 time; undefined when malformed or the Go zero time (`0001-01-01T00:00:00Z`). */
export function parseNanoTime(text: unknown): NanoTime | undefined {
  if (typeof text !== 'string') return undefined;
  const match = RFC3339.exec(text);
  if (!match) return undefined;
  const ms = Date.parse(`${match[1]}${match[3]}`);
  if (!Number.isFinite(ms) || ms <= 0) return undefined;
  const fraction = match[2] ?? '';
  return { seconds: ms / 1000, nanos: Number(fraction.padEnd(9, '0')) };
}

/** `a - b` in nanoseconds. */
export function diffNanos(a: NanoTime, b: NanoTime): number {
  return (a.seconds - b.seconds) * 1e9 + (a.nanos - b.nanos);
}

/** Milliseconds since the epoch (sub-millisecond part dropped). */
export function toEpochMillis(t: NanoTime): number {
  return t.seconds * 1000 + Math.floor(t.nanos / 1e6);
}
