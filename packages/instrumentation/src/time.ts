/**
 * RFC 3339 timestamps with nanosecond fractions, as the agent writes `read` and `preread`.
 * A number of nanoseconds since the epoch does not fit a double exactly, so a time is kept as whole epoch
 * seconds plus the nanosecond fraction, and differences are taken part by part.
 */
export interface NanoTime {
  seconds: number;
  nanos: number;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const ZERO = 48;

/** The `count` decimal digits of `text` from `at` as a number, or -1 when one is not a digit. */
function digits(text: string, at: number, count: number): number {
  let n = 0;
  for (let i = at; i < at + count; i++) {
    const d = text.charCodeAt(i) - ZERO;
    if (!(d >= 0 && d <= 9)) return -1;
    n = n * 10 + d;
  }
  return n;
}

/**
 * Parses an RFC 3339 time (`YYYY-MM-DDTHH:MM:SS[.1 to 9 digits](Z|+HH:MM|-HH:MM)`); undefined when malformed or
 * the Go zero time (`0001-01-01T00:00:00Z`). The seconds are what `Date.parse` gives for the text without its
 * fraction. It runs for every container at every collection, so it reads the digits itself and computes
 * in-range dates with `Date.UTC`; anything else (day overflow, `24:00`, years before 100) goes to `Date.parse`.
 */
export function parseNanoTime(text: unknown): NanoTime | undefined {
  if (typeof text !== 'string' || text.length < 20) return undefined;
  // The /task times repeat at every collection and each sample's `read` becomes the next `preread`.
  const known = parsed.get(text);
  if (known !== undefined || parsed.has(text)) return known;
  const time = parse(text);
  if (parsed.size >= PARSED_MAX) parsed.clear();
  parsed.set(text, time);
  return time;
}

/** Times parsed lately (bounded: cleared when full), frozen since callers share them. */
const parsed = new Map<string, NanoTime | undefined>();
const PARSED_MAX = 1024;

function parse(text: string): NanoTime | undefined {
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  if (
    (year | month | day | hour | minute | second) < 0 ||
    text[4] !== '-' ||
    text[7] !== '-' ||
    text[10] !== 'T' ||
    text[13] !== ':' ||
    text[16] !== ':'
  ) {
    return undefined;
  }
  let at = 19;
  let nanos = 0;
  if (text[at] === '.') {
    let count = 0;
    at++;
    for (; count < 10; count++, at++) {
      const d = text.charCodeAt(at) - ZERO;
      if (!(d >= 0 && d <= 9)) break;
      nanos = nanos * 10 + d;
    }
    if (count === 0 || count > 9) return undefined;
    nanos *= 10 ** (9 - count);
  }
  let offsetMinutes = 0;
  let zoneOk = true;
  if (text[at] === 'Z' && at + 1 === text.length) {
    // UTC
  } else if (
    (text[at] === '+' || text[at] === '-') &&
    at + 6 === text.length &&
    text[at + 3] === ':'
  ) {
    const zh = digits(text, at + 1, 2);
    const zm = digits(text, at + 4, 2);
    if ((zh | zm) < 0) return undefined;
    zoneOk = zh <= 23 && zm <= 59;
    offsetMinutes = (text[at] === '+' ? 1 : -1) * (zh * 60 + zm);
  } else {
    return undefined;
  }
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 1 : 0;
  const inRange =
    zoneOk &&
    year >= 100 &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= DAYS_IN_MONTH[month - 1]! + leap &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59;
  const ms = inRange
    ? Date.UTC(year, month - 1, day, hour, minute, second) - offsetMinutes * 60_000
    : Date.parse(`${text.slice(0, 19)}${text.slice(at)}`);
  if (!Number.isFinite(ms) || ms <= 0) return undefined;
  return Object.freeze({ seconds: ms / 1000, nanos });
}

/** `a - b` in nanoseconds. */
export function diffNanos(a: NanoTime, b: NanoTime): number {
  return (a.seconds - b.seconds) * 1e9 + (a.nanos - b.nanos);
}

/** Milliseconds since the epoch (sub-millisecond part dropped). */
export function toEpochMillis(t: NanoTime): number {
  return t.seconds * 1000 + Math.floor(t.nanos / 1e6);
}
