/*
 * Measures one collection of the instrumentation against the floor for a number of containers, each size with
 * its own emulator process. Shared by the collection-cost and scaling suites.
 */
import { type Measured, type MeasureOptions, measureInterleaved } from '../harness/measure.js';
import {
  type BenchCollector,
  fetchAndParse,
  floorCollector,
  getAndParse,
  instrumentationCollector,
  pointCount,
} from './collectors.js';
import { startEmulatorProcess } from './emulator.js';
import { writeScenario } from './scenario.js';

export interface SizeResult {
  containers: number;
  points: number;
  /** Instruments the instrumentation created (the floor has the same). */
  instruments: number;
  taskStatsBytes: number;
  /** GETs of /task/stats per collection of the instrumentation (goal: 1) and of /task over the run. */
  taskStatsGetsPerCollection: number;
  taskGets: number;
  byVariant: Record<string, Measured>;
}

export const GET_PARSE = 'GET+parse';
export const FETCH_PARSE = 'fetch+parse';
export const FLOOR = 'floor';
export const OURS = 'instrumentation';

export async function measureSize(
  containers: number,
  options: MeasureOptions & { getParse: boolean },
  progress: (line: string) => void,
): Promise<SizeResult> {
  const scenario = await writeScenario(containers);
  const emulator = await startEmulatorProcess(scenario.dir);
  const opened: BenchCollector[] = [];
  try {
    const ours = instrumentationCollector(emulator.url);
    opened.push(ours);
    // The second collection is the steady state: values recorded once (task start-up timings) are in the first only.
    await ours.collect();
    const template = await ours.collect();
    const points = pointCount(template);
    const floor = floorCollector(emulator.url, ours.instruments, template);
    opened.push(floor);
    const floorPoints = pointCount(await floor.collect());
    if (floorPoints !== points) throw new Error(`floor has ${floorPoints} points, not ${points}`);

    // One GET of /task/stats per collection, /task read once: checked, not assumed.
    const before = await emulator.counts();
    const checks = 20;
    for (let i = 0; i < checks; i++) await ours.collect();
    const after = await emulator.counts();
    const taskStatsGetsPerCollection = (after.taskStats - before.taskStats) / checks;

    progress(`  ${containers} containers: ${points} points, ${scenario.taskStatsBytes} B payload`);
    const url = `${emulator.url}/task/stats`;
    const variants = [
      ...(options.getParse
        ? [
            { name: GET_PARSE, fn: () => getAndParse(url) },
            { name: FETCH_PARSE, fn: () => fetchAndParse(url) },
          ]
        : []),
      { name: FLOOR, fn: () => floor.collect() },
      { name: OURS, fn: () => ours.collect() },
    ];
    const measured = await measureInterleaved(variants, options);
    const end = await emulator.counts();
    return {
      containers,
      points,
      instruments: ours.instruments.length,
      taskStatsBytes: scenario.taskStatsBytes,
      taskStatsGetsPerCollection,
      taskGets: end.task,
      byVariant: Object.fromEntries(measured.map((m) => [m.name, m])),
    };
  } finally {
    for (const c of opened) await c.shutdown();
    await emulator.close();
    await scenario.remove();
  }
}

/** Every size in turn, each with its own emulator. */
export async function measureSizes(
  containers: readonly number[],
  options: MeasureOptions & { getParse: boolean },
  progress: (line: string) => void,
): Promise<SizeResult[]> {
  const sizes: SizeResult[] = [];
  for (const n of containers) sizes.push(await measureSize(n, options, progress));
  return sizes;
}

/** Median of per-round CPU ratios a/b: a spread that outside load cannot fake in one direction only. */
export function roundRatios(a: Measured, b: Measured): number[] {
  return a.cpuPerRunByRound.map((x, i) => x / b.cpuPerRunByRound[i]!).sort((x, y) => x - y);
}
