/*
 * Side-by-side timing with tinybench. The machine may be shared, so variants run in interleaved rounds (the
 * order rotating each round) and their samples are pooled: a burst of outside load then hits every variant
 * instead of one. Besides wall time per iteration, the process CPU time spent in each variant's runs is kept,
 * which is what a collection costs the app when the peer (the metadata endpoint) is another process.
 * No GC is forced between rounds: V8 finishes a forced full GC on helper threads, whose CPU time would land in
 * the next round (process CPU time counts every thread), doubling the figures.
 */
import { Bench } from 'tinybench';
import { quantile, type Summary, summarize } from './stats.js';

export interface Variant {
  name: string;
  fn: () => Promise<unknown>;
}

export interface MeasureOptions {
  rounds: number;
  /** Time budget of one variant in one round, ms. */
  timeMs: number;
  /** Warm-up of each variant before the first round, ms. */
  warmupMs: number;
  /** Fewest iterations of a variant in a round (and in the warm-up); default 32. */
  minIterations?: number;
}

export interface Measured {
  name: string;
  /** Iterations measured. */
  runs: number;
  /** Wall time per iteration, µs. */
  wall: Summary;
  /** Process CPU time (user + system, all threads) per iteration, µs: the median over rounds. */
  cpuPerRun: number;
  /** The same pooled over all rounds (a mean, which one busy round can pull up). */
  cpuPerRunPooled: number;
  /** The same per round, µs: its spread says how stable the CPU figure is. */
  cpuPerRunByRound: number[];
}

export async function measureInterleaved(
  variants: Variant[],
  options: MeasureOptions,
): Promise<Measured[]> {
  const pooled = variants.map(() => ({
    samples: [] as number[],
    runs: 0,
    cpu: 0,
    byRound: [] as number[],
  }));
  // Warm every variant up first, so the first round does not time the JIT.
  const iterations = options.minIterations ?? 32;
  const warmup = new Bench({
    time: options.warmupMs,
    iterations: Math.ceil(iterations / 2),
    warmup: false,
    throws: true,
  });
  for (const v of variants) warmup.add(v.name, v.fn);
  await warmup.run();

  for (let round = 0; round < options.rounds; round++) {
    for (let k = 0; k < variants.length; k++) {
      const i = (round + k) % variants.length;
      const variant = variants[i]!;
      const bench = new Bench({
        time: options.timeMs,
        iterations,
        warmup: false,
        retainSamples: true,
        throws: true,
      });
      let cpuStart = process.cpuUsage();
      let cpu = 0;
      bench.add(variant.name, variant.fn, {
        beforeAll() {
          cpuStart = process.cpuUsage();
        },
        afterAll() {
          const d = process.cpuUsage(cpuStart);
          cpu = d.user + d.system;
        },
      });
      const [task] = await bench.run();
      const result = task!.result;
      if (result.state !== 'completed') throw new Error(`${variant.name}: ${result.state}`);
      const samples = result.latency.samples ?? [];
      const into = pooled[i]!;
      for (const s of samples) into.samples.push(s * 1000);
      into.runs += samples.length;
      into.cpu += cpu;
      into.byRound.push(cpu / samples.length);
    }
  }
  return variants.map((v, i) => {
    const p = pooled[i]!;
    return {
      name: v.name,
      runs: p.runs,
      wall: summarize(p.samples),
      cpuPerRun: quantile(
        [...p.byRound].sort((a, b) => a - b),
        0.5,
      ),
      cpuPerRunPooled: p.cpu / p.runs,
      cpuPerRunByRound: p.byRound,
    };
  });
}
