/*
 * Property tests over untrusted input: arbitrary JSON and mutations of every bundled fixture go through
 * computeSnapshot and the formulas, which must never throw and never produce a value that could not be exported.
 * CI runs a fixed seed; `FUZZ_RUNS=100000 npm run test:fuzz` runs longer (with a random seed unless FUZZ_SEED is set).
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { BatchObservableResult, Observable } from '@opentelemetry/api';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as formulas from '../src/formulas.js';
import {
  MAX_CPU_UTILIZATION,
  MAX_MEMORY_UTILIZATION,
  MAX_VCPU,
  MIB,
  UINT64_MAX,
} from '../src/formulas.js';
import { EcsInstruments } from '../src/instruments.js';
import { computeSnapshot, PeakTracker } from '../src/snapshot.js';
import type { TaskSnapshot } from '../src/types.js';
import { FIXTURES_DIR, type Json } from './fixtures.js';

const onDemand = process.env.FUZZ_RUNS !== undefined;
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const SEED = process.env.FUZZ_SEED
  ? Number(process.env.FUZZ_SEED)
  : onDemand
    ? undefined
    : 20260101;
const params = { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) };
// A long run takes minutes; vitest's per-test timeout only guards the CI-sized one.
const timeout = onDemand ? 0 : 60_000;

const NOW = Date.parse('2026-06-01T00:00:00Z');

/** Task and stats documents as computeSnapshot receives them, from every bundled scenario. */
interface Inputs {
  name: string;
  task: Json;
  stats: Json;
}

function scenarioInputs(): Inputs[] {
  const out: Inputs[] = [];
  for (const scenario of readdirSync(FIXTURES_DIR, { withFileTypes: true })) {
    if (!scenario.isDirectory()) continue;
    const dir = `${FIXTURES_DIR}${scenario.name}/`;
    const files = new Set(readdirSync(dir));
    const load = (f: string): Json =>
      files.has(f) ? JSON.parse(readFileSync(`${dir}${f}`, 'utf8')) : undefined;
    const stats = load('task-stats.json');
    for (const taskFile of ['task.json', 'task-with-tags.json', 'task-with-tags-errors.json']) {
      if (files.has(taskFile) && stats)
        out.push({ name: `${scenario.name}/${taskFile}`, task: load(taskFile), stats });
    }
    if (files.has('stats.json')) {
      const s = load('stats.json');
      out.push({ name: `${scenario.name}/stats.json`, task: undefined, stats: { [s.id]: s } });
    }
    if (files.has('tasks.json') && files.has('tasks-stats.json')) {
      const tasks = load('tasks.json');
      const tasksStats = load('tasks-stats.json');
      tasks.forEach((task: Json, i: number) => {
        out.push({ name: `${scenario.name}/tasks[${i}]`, task, stats: tasksStats[i] });
      });
    }
  }
  return out;
}

const SCENARIOS = scenarioInputs();

/** Every path (object keys and array indexes) in a JSON document, the root excluded. */
function paths(value: Json, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (typeof value !== 'object' || value === null) return [];
  const keys: Array<string | number> = Array.isArray(value)
    ? value.map((_, i) => i)
    : Object.keys(value);
  return keys.flatMap((k) => [[...prefix, k], ...paths(value[k], [...prefix, k])]);
}

// What JSON.parse can give for a number field: huge (1e999 parses as Infinity), negative, -0, fractional;
// and wrong types: strings of numbers, nulls, booleans, arrays, objects.
const strangeValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    null,
    -1,
    -0,
    0,
    0.5,
    2 ** 53 + 2,
    2 ** 63,
    2 ** 64,
    1e300,
    Number.MAX_VALUE,
    Number.MIN_VALUE,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    -1e300,
    '123',
    '',
    '0001-01-01T00:00:00Z',
    '9999-12-31T23:59:59.999999999Z',
    'not a time',
    true,
    [],
    {},
  ),
  fc.double(),
  fc.integer(),
  fc.string({ maxLength: 20 }),
  fc.jsonValue({ maxDepth: 2 }),
);

type Mutation = { at: number; kind: 'delete' } | { at: number; kind: 'set'; value: unknown };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ at: fc.nat(), kind: fc.constant('delete' as const) }),
  fc.record({ at: fc.nat(), kind: fc.constant('set' as const), value: strangeValue }),
);

function mutate(doc: Json, mutations: Mutation[]): Json {
  const copy = structuredClone(doc);
  for (const m of mutations) {
    const all = paths(copy);
    if (all.length === 0) break;
    const path = all[m.at % all.length]!;
    const parent = path.slice(0, -1).reduce((o: Json, k) => o[k], copy);
    const key = path.at(-1)!;
    if (m.kind === 'delete') {
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
    } else {
      parent[key] = m.value;
    }
  }
  return copy;
}

const isNum = (v: unknown): v is number => typeof v === 'number';

/** The checks every snapshot must pass, whatever its input. */
function checkSnapshot(snapshot: TaskSnapshot, peaks: PeakTracker): void {
  const { containers, task } = snapshot;
  for (const values of [...containers, task] as Array<Record<string, unknown>>) {
    for (const [field, value] of Object.entries(values)) {
      if (!isNum(value)) continue;
      expect(Number.isFinite(value), `${field} = ${value} is finite`).toBe(true);
      if (field !== 'readAt') expect(value, `${field} is not negative`).toBeGreaterThanOrEqual(0);
    }
    const v = values as Record<string, number | undefined>;
    if (isNum(v.memoryUtilization))
      expect(v.memoryUtilization).toBeLessThanOrEqual(MAX_MEMORY_UTILIZATION);
    if (isNum(v.cpuUtilization)) expect(v.cpuUtilization).toBeLessThanOrEqual(MAX_CPU_UTILIZATION);
    if (isNum(v.cpuUsage)) expect(v.cpuUsage).toBeLessThanOrEqual(MAX_VCPU);
    for (const field of ['memoryUsage', 'memoryWorkingSet', 'memoryUsageMax', 'memoryLimit']) {
      if (isNum(v[field]))
        expect(v[field]).toBeLessThanOrEqual(UINT64_MAX * (containers.length || 1));
    }
    if (isNum(v.memoryWorkingSet) && isNum(v.memoryUsage))
      expect(v.memoryWorkingSet).toBeLessThanOrEqual(v.memoryUsage);
  }
  for (const c of containers) {
    expect(typeof c.name).toBe('string');
    expect(typeof c.id).toBe('string');
  }
  // The peak tracker holds at most the containers of this collection.
  expect(peaks.size).toBeLessThanOrEqual(containers.length);
}

/** What the instruments would hand to a MeterProvider: every value must be a finite number. */
function checkObserved(snapshot: TaskSnapshot, instruments: EcsInstruments): void {
  const observed: number[] = [];
  const result: BatchObservableResult = {
    observe: (_o: Observable, value: number) => void observed.push(value),
  };
  instruments.observe(result, snapshot);
  for (const value of observed) expect(Number.isFinite(value)).toBe(true);
}

const instruments = new EcsInstruments(new MeterProvider().getMeter('fuzz'));

function run(task: unknown, stats: unknown, peaks = new PeakTracker()): void {
  const snapshot = computeSnapshot(task as Json, stats as Json, peaks, NOW);
  checkSnapshot(snapshot, peaks);
  checkObserved(snapshot, instruments);
}

describe(`fuzzing (${RUNS} runs, seed ${SEED ?? 'random'})`, () => {
  it('finds every bundled scenario', () => {
    expect(SCENARIOS.length).toBeGreaterThanOrEqual(8);
  });

  it(
    'arbitrary JSON as task and stats',
    () => {
      fc.assert(
        fc.property(fc.jsonValue(), fc.jsonValue(), (task, stats) => run(task, stats)),
        params,
      );
    },
    timeout,
  );

  it(
    'arbitrary JSON under each container of the stats',
    () => {
      const id = fc.string({ maxLength: 8 });
      fc.assert(
        fc.property(
          fc.jsonValue(),
          fc.dictionary(id, fc.jsonValue(), { maxKeys: 4 }),
          (task, stats) => run(task, stats),
        ),
        params,
      );
    },
    timeout,
  );

  for (const s of SCENARIOS) {
    it(
      `mutations of ${s.name}`,
      () => {
        fc.assert(
          fc.property(fc.array(mutationArb, { minLength: 1, maxLength: 8 }), (mutations) => {
            const { task, stats } = mutate({ task: s.task, stats: s.stats }, mutations);
            // The same mutated input twice: the second collection also sees the first one's peaks.
            const peaks = new PeakTracker();
            run(task, stats, peaks);
            run(task, stats, peaks);
          }),
          params,
        );
      },
      timeout,
    );
  }

  it(
    'every formula on arbitrary JSON gives undefined or a finite number in its range',
    () => {
      const anyDoc = fc.oneof(fc.jsonValue(), fc.constant(undefined));
      fc.assert(
        fc.property(anyDoc, anyDoc, (a, b) => {
          const stats = a as Json;
          const task = b as Json;
          const values: Record<string, unknown> = {
            num: formulas.num(a),
            realLimit: formulas.realLimit(a),
            memoryUsage: formulas.memoryUsage(stats ?? {}),
            memoryWorkingSet: formulas.memoryWorkingSet(stats ?? {}),
            memoryMaxUsage: formulas.memoryMaxUsage(stats ?? {}),
            taskMemoryLimit: formulas.taskMemoryLimit(task),
            effectiveMemoryLimit: formulas.effectiveMemoryLimit(stats ?? {}, task),
            cpuTimeSeconds: formulas.cpuTimeSeconds(stats ?? {}),
            cpuUsageVcpu: formulas.cpuUsageVcpu(stats ?? {}),
            containerCpuReservation: formulas.containerCpuReservation(task),
            taskCpuLimit: formulas.taskCpuLimit(task),
            secondsSince: formulas.secondsSince(a, NOW),
            sampleTime: formulas.sampleTime(stats ?? {}),
            ...prefixed('disk', formulas.diskBytes(stats ?? {})),
            ...prefixed('network', formulas.networkBytes(stats ?? {})),
            ...prefixed('storage', formulas.ephemeralStorage(task)),
          };
          formulas.isAwsvpc(task);
          formulas.hasStats(stats);
          for (const [name, value] of Object.entries(values)) {
            if (value === undefined) continue;
            expect(isNum(value), name).toBe(true);
            expect(Number.isFinite(value), `${name} = ${value}`).toBe(true);
            if (name !== 'sampleTime') expect(value, name).toBeGreaterThanOrEqual(0);
          }
          const vcpu = values.cpuUsageVcpu as number | undefined;
          if (vcpu !== undefined) expect(vcpu).toBeLessThanOrEqual(MAX_VCPU);
          for (const name of ['taskMemoryLimit', 'storageusage', 'storagelimit']) {
            const v = values[name] as number | undefined;
            if (v !== undefined) expect(v).toBeLessThan(UINT64_MAX * MIB);
          }
        }),
        params,
      );
    },
    timeout,
  );
});

function prefixed(prefix: string, value: object | undefined): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(value ?? {}).map(([k, v]) => [`${prefix}${k}`, v as unknown]),
  );
}
