/**
 * JSON parsing and serialization that keeps every number's source text when a JS number cannot reproduce it
 * (e.g. the agent's `9223372036854771712` and `18446744073709551615` memory limit sentinels).
 *
 * Such numbers are kept as `JSON.rawJSON` objects, which `JSON.stringify` writes back byte for byte.
 */

/** What `JSON.rawJSON` returns: a frozen object `JSON.stringify` writes as its `rawJSON` text. */
export interface RawJson {
  readonly rawJSON: string;
}

// TypeScript's lib does not declare the JSON.parse source text access proposal (shipped in V8 11.4).
interface JsonWithRaw {
  rawJSON(text: string): RawJson;
  isRawJSON(value: unknown): value is RawJson;
  parse(
    text: string,
    reviver: (this: unknown, key: string, value: unknown, context: { source?: string }) => unknown,
  ): unknown;
}

const json = JSON as unknown as JsonWithRaw;

/** Parses JSON text; numbers a JS number would alter on the way back to text stay raw. */
export function parseLossless(text: string): unknown {
  return json.parse(text, (_key, value, context) => {
    if (
      typeof value === 'number' &&
      context.source !== undefined &&
      String(value) !== context.source
    ) {
      return json.rawJSON(context.source);
    }
    return value;
  });
}

/** Serializes compactly, as the agent's Go encoder does; raw numbers are written as parsed. */
export function stringifyLossless(value: unknown): string {
  return JSON.stringify(value);
}

/** An integer's decimal text as a JSON number: exact beyond 2^53 (kernel sentinels such as 2^63 - 4096). */
export function integerFromText(text: string): number | RawJson {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : json.rawJSON(text);
}

/** Whether a value is a raw number kept by {@link parseLossless}. */
export function isRawJson(value: unknown): value is RawJson {
  return json.isRawJSON(value);
}

/**
 * Adds an integer amount to a JSON number that may be raw. Raw integers are added exactly with BigInt and stay
 * raw; everything else becomes a plain number.
 */
export function addToNumber(value: unknown, amount: number): number | RawJson {
  if (isRawJson(value) && /^-?\d+$/.test(value.rawJSON)) {
    return json.rawJSON((BigInt(value.rawJSON) + BigInt(Math.round(amount))).toString());
  }
  return toNumber(value) + amount;
}

/** A JSON number (plain or raw) as a JS number; 0 for anything else. */
export function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (isRawJson(value)) return Number(value.rawJSON);
  return 0;
}
