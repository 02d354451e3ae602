/*
 * Dimension values come from attributes (container names from the metadata endpoint, resource attributes from the
 * environment): whatever they hold, the exporters' mapping hands CloudWatch only dimensions it accepts, ASCII and
 * within the length limits, never blank.
 */
import { toDimension } from '@ecs-task-metrics/cloudwatch-mapping';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const RUNS = Number(process.env.FUZZ_RUNS ?? 500);

describe('dimension values are sanitized', () => {
  it('any attribute key and value becomes an acceptable dimension or none', () => {
    const value = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 2000 }),
      fc.string({ unit: 'grapheme', maxLength: 50 }),
      fc.double(),
      fc.integer(),
      fc.boolean(),
      fc.array(fc.string({ maxLength: 20 }), { maxLength: 5 }),
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), value, (key, v) => {
        const d = toDimension(key, v);
        if (!d) return;
        for (const [text, max] of [
          [d.Name, 255],
          [d.Value, 1024],
        ] as const) {
          expect(text.length).toBeLessThanOrEqual(max);
          expect(text).toMatch(/^[\x20-\x7e]+$/);
          expect(text.trim()).not.toBe('');
        }
        expect(d.Name.startsWith(':')).toBe(false);
      }),
      { numRuns: RUNS, seed: 20260101 },
    );
  });

  it('a container name with control characters or non-ASCII text keeps its length, not its bytes', () => {
    const d = toDimension('container.name', 'api\u0000\n\u00e9\u{1F600}');
    expect(d?.Name).toBe('ContainerName');
    expect(d?.Value).toMatch(/^api_+$/);
  });
});
