/*
 * Scaling: cost per collection as a task grows from 1 to 10 to 50 containers (a Managed Instances daemon reads
 * many containers at once). Linear growth means the cost per added container stays the same from 10 to 50 as
 * from 1 to 10; a quadratic step would multiply it.
 */
import { round } from './harness/stats.js';
import type { Suite } from './harness/types.js';
import { FLOOR, measureSizes, OURS, type SizeResult } from './support/collection-cost.js';

const SIZES = [1, 10, 50] as const;
/** Largest accepted growth of the per-container cost from the 1..10 to the 10..50 segment. */
export const LINEARITY_LIMIT = 1.5;

/** µs each added container costs between two sizes. */
const perAdded = (a: SizeResult, b: SizeResult, variant: string) =>
  (b.byVariant[variant]!.cpuPerRun - a.byVariant[variant]!.cpuPerRun) /
  (b.containers - a.containers);

export const scalingSuite: Suite = {
  name: 'scaling',
  title: 'Scaling of the collection cost: 1 -> 10 -> 50 containers',
  async run(context) {
    const options = context.quick
      ? { rounds: 12, timeMs: 40, warmupMs: 200, minIterations: 8, getParse: false }
      : { rounds: 60, timeMs: 60, warmupMs: 500, minIterations: 8, getParse: false };
    const sizes = await measureSizes(SIZES, options, context.progress);
    const [one, ten, fifty] = sizes as [SizeResult, SizeResult, SizeResult];

    const rows = sizes.map((s, i) => {
      const prev = i > 0 ? sizes[i - 1]! : undefined;
      const o = s.byVariant[OURS]!;
      const f = s.byVariant[FLOOR]!;
      return [
        s.containers,
        s.points,
        s.taskStatsBytes,
        round(f.cpuPerRun, 0),
        round(o.cpuPerRun, 0),
        round(o.cpuPerRun / s.containers, 1),
        prev ? round(perAdded(prev, s, OURS), 1) : '',
        prev ? round(perAdded(prev, s, FLOOR), 1) : '',
        round(o.cpuPerRun / f.cpuPerRun, 3),
      ];
    });
    const growthOurs = perAdded(ten, fifty, OURS) / perAdded(one, ten, OURS);
    const growthFloor = perAdded(ten, fifty, FLOOR) / perAdded(one, ten, FLOOR);
    return {
      tables: [
        {
          title: 'Scaling: process CPU time per collection (µs) and per container',
          columns: [
            'containers',
            'points',
            '/task/stats B',
            'floor µs',
            'ours µs',
            'ours µs/container',
            'ours µs per added container',
            'floor µs per added container',
            'ours/floor',
          ],
          rows,
          notes: [
            `µs per added container: (cost(n) - cost(previous n)) / added containers. Growth of that figure from the`,
            `1..10 to the 10..50 segment: ours ${growthOurs.toFixed(2)}, floor ${growthFloor.toFixed(2)} (1 = linear; goal <= ${LINEARITY_LIMIT}).`,
          ],
        },
      ],
      headlines: [
        {
          name: 'µs per added container, 10 -> 50',
          value: round(perAdded(ten, fifty, OURS), 1),
        },
        {
          name: 'per-container cost growth 1..10 -> 10..50 (1 = linear)',
          value: round(growthOurs, 2),
          goal: `<= ${LINEARITY_LIMIT}`,
          met: growthOurs <= LINEARITY_LIMIT,
        },
        {
          name: 'collect/floor ratio at 50 containers',
          value: round(fifty.byVariant[OURS]!.cpuPerRun / fifty.byVariant[FLOOR]!.cpuPerRun, 2),
        },
      ],
      data: { options, sizes },
    };
  },
};
