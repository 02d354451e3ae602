/*
 * Runs suites one after the other: prints each suite's tables as it finishes, writes its JSON, and closes with
 * one `name: value` line per headline figure.
 */
import os from 'node:os';
import { describeMachine, machineLine } from './machine.js';
import {
  headlineLine,
  RESULTS_DIR,
  type RunInfo,
  type SuiteRecord,
  writeSuiteResult,
  writeSummary,
} from './results.js';
import { formatTable } from './table.js';
import type { Suite } from './types.js';

export interface RunOptions {
  quick: boolean;
  /** Suite names to run; all when empty. */
  only: string[];
}

const out = (text: string) => process.stdout.write(text);
const progress = (line: string) => process.stderr.write(`${line}\n`);

/** Returns the process exit code: 1 when a suite failed. */
export async function runSuites(suites: Suite[], options: RunOptions): Promise<number> {
  const unknown = options.only.filter((n) => !suites.some((s) => s.name === n));
  if (unknown.length > 0) {
    process.stderr.write(
      `unknown suite ${unknown.join(', ')}; suites: ${suites.map((s) => s.name).join(', ')}\n`,
    );
    return 2;
  }
  const selected = options.only.length
    ? suites.filter((s) => options.only.includes(s.name))
    : suites;
  const run: RunInfo = {
    mode: options.quick ? 'quick' : 'full',
    startedAt: new Date().toISOString(),
    machine: describeMachine(),
  };
  out(`ecs-task-metrics benchmarks (${run.mode}): ${machineLine(run.machine)}\n\n`);

  const records: SuiteRecord[] = [];
  for (const suite of selected) {
    progress(`[${suite.name}] ${suite.title}`);
    const started = performance.now();
    let record: SuiteRecord;
    try {
      const result = await suite.run({ quick: options.quick, progress });
      record = { suite: suite.name, title: suite.title, seconds: 0, ...result };
    } catch (err) {
      const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
      progress(`[${suite.name}] failed: ${message}`);
      record = {
        suite: suite.name,
        title: suite.title,
        seconds: 0,
        tables: [],
        headlines: [],
        error: message,
      };
    }
    record.seconds = Math.round((performance.now() - started) / 100) / 10;
    for (const table of record.tables) out(`${formatTable(table)}\n`);
    await writeSuiteResult(run, record);
    records.push(record);
  }
  run.finishedAt = new Date().toISOString();
  run.loadAverageEnd1m = Math.round(os.loadavg()[0]! * 100) / 100;
  await writeSummary(run, records);

  const failed = records.filter((r) => r.error);
  out(
    `Results: ${RESULTS_DIR.replace(/.*\/(bench\/results\/)$/, '$1')}{${records.map((r) => r.suite).join(',')},summary}.json, report.md\n`,
  );
  for (const f of failed) out(`suite ${f.suite} failed: ${f.error?.split('\n')[0]}\n`);
  out('\n');
  for (const h of records.flatMap((r) => r.headlines)) out(`${headlineLine(h)}\n`);
  return failed.length > 0 ? 1 : 0;
}
