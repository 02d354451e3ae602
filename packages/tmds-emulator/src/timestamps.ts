/** Go's zero `time.Time`, which Docker reports as `preread` for a container's first sample. */
export const ZERO_TIME = '0001-01-01T00:00:00Z';

const RFC3339 = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/;

/**
 * Adds seconds to an RFC 3339 timestamp with nanoseconds, keeping nanosecond precision and writing the result
 * the way Go's `time.RFC3339Nano` does (UTC `Z`, trailing zeros of the fraction dropped).
 */
export function addSeconds(timestamp: string, seconds: number): string {
  const match = RFC3339.exec(timestamp);
  if (!match) throw new Error(`tmds-emulator: not an RFC 3339 timestamp: ${timestamp}`);
  const [, base, fraction = '', zone] = match;
  const epochMs = Date.parse(`${base}${zone}`);
  const nanos =
    BigInt(epochMs) * 1_000_000n +
    BigInt(fraction.padEnd(9, '0')) +
    BigInt(Math.round(seconds * 1e9));
  return formatEpochNanos(nanos);
}

/** Nanoseconds since the epoch as Go's `time.RFC3339Nano` writes them (UTC, fraction without trailing zeros). */
export function formatEpochNanos(nanos: bigint): string {
  const wholeMs = nanos / 1_000_000n - (nanos % 1_000_000n < 0n ? 1n : 0n);
  const subMsNanos = nanos - wholeMs * 1_000_000n;
  const date = new Date(Number(wholeMs));
  const iso = date.toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ (years 0-9999)
  const nanoFraction = (BigInt(date.getUTCMilliseconds()) * 1_000_000n + subMsNanos)
    .toString()
    .padStart(9, '0')
    .replace(/0+$/, '');
  return `${iso.slice(0, 19)}${nanoFraction ? `.${nanoFraction}` : ''}Z`;
}
