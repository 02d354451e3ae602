import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseNanoTime } from '../src/time.js';

/** The definition: the regex of RFC 3339 with a 1 to 9 digit fraction, seconds from Date.parse. */
function reference(text: string) {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(text);
  if (!m) return undefined;
  const ms = Date.parse(`${m[1]}${m[3]}`);
  if (!Number.isFinite(ms) || ms <= 0) return undefined;
  return { seconds: ms / 1000, nanos: Number((m[2] ?? '').padEnd(9, '0')) };
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** Timestamps whose every field may be out of range, with any fraction length and zone. */
const nearlyValid = fc
  .record({
    year: fc.integer({ min: 0, max: 9999 }),
    month: fc.integer({ min: 0, max: 13 }),
    day: fc.integer({ min: 0, max: 32 }),
    hour: fc.integer({ min: 0, max: 25 }),
    minute: fc.integer({ min: 0, max: 61 }),
    second: fc.integer({ min: 0, max: 61 }),
    fraction: fc.option(fc.stringMatching(/^\d{0,11}$/), { nil: undefined }),
    zone: fc.oneof(
      fc.constant('Z'),
      fc
        .tuple(
          fc.constantFrom('+', '-'),
          fc.integer({ min: 0, max: 25 }),
          fc.integer({ min: 0, max: 61 }),
        )
        .map(([sign, h, m]) => `${sign}${pad(h, 2)}:${pad(m, 2)}`),
      fc.constantFrom('', 'z', '+0100', 'Z ', '+01:0', 'UTC'),
    ),
  })
  .map(
    (t) =>
      `${pad(t.year, 4)}-${pad(t.month, 2)}-${pad(t.day, 2)}T${pad(t.hour, 2)}:${pad(t.minute, 2)}:${pad(t.second, 2)}` +
      `${t.fraction === undefined ? '' : `.${t.fraction}`}${t.zone}`,
  );

describe('parseNanoTime', () => {
  it('agrees with the regex + Date.parse definition on nearly valid timestamps', () => {
    fc.assert(
      fc.property(nearlyValid, (text) => {
        expect(parseNanoTime(text)).toEqual(reference(text));
      }),
      { numRuns: 5000 },
    );
  });

  it('agrees with the definition on arbitrary text and on the edge cases', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (text) => {
        expect(parseNanoTime(text)).toEqual(reference(text));
      }),
    );
    for (const text of [
      '2021-02-29T00:00:00Z',
      '2024-02-29T23:59:59.999999999Z',
      '2021-02-31T00:00:00Z',
      '2020-07-30T24:00:00Z',
      '2020-07-30T24:00:00.5Z',
      '2020-12-31T23:59:60Z',
      '2020-07-30T22:12:31+02:00',
      '2020-07-30T22:12:31-23:59',
      '2020-07-30T22:12:31+24:00',
      '0099-01-01T00:00:00Z',
      '0001-01-01T00:00:00Z',
      '1970-01-01T00:00:00Z',
      '1970-01-01T00:00:00.000000001Z',
      '2020-07-30T22:12:31.1234567890Z',
      '2020-07-30T22:12:31.Z',
      '２020-07-30T22:12:31Z',
    ]) {
      expect(parseNanoTime(text), text).toEqual(reference(text));
    }
    for (const value of [undefined, null, 0, 1596147151, {}, []]) {
      expect(parseNanoTime(value)).toBeUndefined();
    }
  });
});
