/*
 * Collection cost against the floor, for 1, 3 and 10 containers (see support/collectors.ts for both sides).
 * The cost to the app is the process CPU time per collection: the endpoint is another process, so wall time
 * also contains its answer and any wait for a core. Both are reported.
 */
import { quantile, round } from './harness/stats.js';
import type { Suite, Table } from './harness/types.js';
import {
  FETCH_PARSE,
  FLOOR,
  GET_PARSE,
  measureSizes,
  OURS,
  roundRatios,
} from './support/collection-cost.js';

export const RATIO_GOAL = 1.15;
const SIZES = [1, 3, 10];
const GOAL_SIZE = 10;

/** CPU share of one core when collecting every `intervalS` seconds, in percent. */
export const cpuPercent = (microsPerCollection: number, intervalS: number) =>
  (100 * microsPerCollection) / (intervalS * 1e6);

export const collectSuite: Suite = {
  name: 'collect',
  title: 'Collection cost against the floor (1, 3, 10 containers)',
  async run(context) {
    const options = context.quick
      ? { rounds: 30, timeMs: 25, warmupMs: 150, minIterations: 16, getParse: true }
      : { rounds: 120, timeMs: 40, warmupMs: 500, minIterations: 16, getParse: true };
    const sizes = await measureSizes(SIZES, options, context.progress);

    const cpu: Table = {
      title: 'Collection cost: process CPU time per collection (µs, median over rounds)',
      columns: [
        'containers',
        'points',
        '/task/stats B',
        'GET+parse µs',
        'fetch+parse µs',
        'floor µs',
        'ours µs',
        'added µs',
        'ours/floor',
        'ratio p25..p75',
        'CPU % @1 s',
        'CPU % @60 s',
      ],
      rows: sizes.map((s) => {
        const g = s.byVariant[GET_PARSE]!;
        const gf = s.byVariant[FETCH_PARSE]!;
        const f = s.byVariant[FLOOR]!;
        const o = s.byVariant[OURS]!;
        const ratios = roundRatios(o, f);
        return [
          s.containers,
          s.points,
          s.taskStatsBytes,
          round(g.cpuPerRun, 0),
          round(gf.cpuPerRun, 0),
          round(f.cpuPerRun, 0),
          round(o.cpuPerRun, 0),
          round(o.cpuPerRun - f.cpuPerRun, 0),
          round(quantile(ratios, 0.5), 3),
          `${quantile(ratios, 0.25).toFixed(2)}..${quantile(ratios, 0.75).toFixed(2)}`,
          round(cpuPercent(o.cpuPerRun, 1), 4),
          round(cpuPercent(o.cpuPerRun, 60), 5),
        ];
      }),
      notes: [
        'floor = bare keep-alive node:http GET of the same /task/stats + JSON.parse + the SDK collecting the same points from constants.',
        'fetch+parse: the same GET with the global fetch (undici), for comparison with the default node:http client.',
        'ours = EcsTaskMetricsInstrumentation on a MeterProvider, reader.collect(); DELTA temporality; endpoint in another process.',
        `ours/floor: median of the per-round ratios (${options.rounds} interleaved rounds); p25..p75 their spread. CPU %: ours µs / interval.`,
      ],
    };
    const wall: Table = {
      title:
        'Collection wall time (µs): p50 / p99 over all samples, relative margin of error of the mean',
      columns: [
        'containers',
        'floor p50',
        'floor p99',
        'ours p50',
        'ours p99',
        'ours/floor p50',
        'ours rme %',
        'samples',
        'GETs /task/stats per collection',
      ],
      rows: sizes.map((s) => {
        const f = s.byVariant[FLOOR]!;
        const o = s.byVariant[OURS]!;
        return [
          s.containers,
          round(f.wall.p50, 0),
          round(f.wall.p99, 0),
          round(o.wall.p50, 0),
          round(o.wall.p99, 0),
          round(o.wall.p50 / f.wall.p50, 3),
          round(o.wall.rme, 2),
          o.runs,
          s.taskStatsGetsPerCollection,
        ];
      }),
    };

    const at = sizes.find((s) => s.containers === GOAL_SIZE)!;
    const ratio = quantile(roundRatios(at.byVariant[OURS]!, at.byVariant[FLOOR]!), 0.5);
    const oursCpu = at.byVariant[OURS]!.cpuPerRun;
    return {
      tables: [cpu, wall],
      headlines: [
        {
          name: `collect/floor ratio at ${GOAL_SIZE} containers`,
          value: round(ratio, 2),
          goal: `<= ${RATIO_GOAL}`,
          met: ratio <= RATIO_GOAL,
        },
        { name: `collection CPU at ${GOAL_SIZE} containers (µs)`, value: round(oursCpu, 0) },
        {
          name: `CPU % of a core at a 60 s interval, ${GOAL_SIZE} containers`,
          value: round(cpuPercent(oursCpu, 60), 4),
        },
      ],
      data: { options, sizes },
    };
  },
};
