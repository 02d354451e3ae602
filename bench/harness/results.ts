/*
 * Machine-readable results: one JSON file per suite plus a summary and a Markdown report of the last run, in
 * the git-ignored bench/results/ (BENCHMARKS.md quotes the report of a full run).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { type MachineDescription, machineLine } from './machine.js';
import { markdownTable } from './table.js';
import type { Headline, SuiteResult } from './types.js';

/** bench/results/, from bench/dist/harness/. */
export const RESULTS_DIR = fileURLToPath(new URL('../../results/', import.meta.url));

export interface RunInfo {
  mode: 'quick' | 'full';
  startedAt: string;
  finishedAt?: string;
  machine: MachineDescription;
  /** 1-minute load average at the end. */
  loadAverageEnd1m?: number;
}

export interface SuiteRecord extends SuiteResult {
  suite: string;
  title: string;
  seconds: number;
  error?: string;
}

const json = (value: unknown) =>
  `${JSON.stringify(value, (_k, v) => (Number.isNaN(v) ? null : v), 2)}\n`;

export async function writeSuiteResult(run: RunInfo, record: SuiteRecord): Promise<void> {
  await mkdir(RESULTS_DIR, { recursive: true });
  await writeFile(`${RESULTS_DIR}${record.suite}.json`, json({ ...run, ...record }));
}

export function headlineLine(h: Headline): string {
  return `${h.name}: ${h.value}`;
}

export async function writeSummary(run: RunInfo, records: SuiteRecord[]): Promise<void> {
  const headlines = records.flatMap((r) => r.headlines);
  await mkdir(RESULTS_DIR, { recursive: true });
  await writeFile(
    `${RESULTS_DIR}summary.json`,
    json({
      ...run,
      suites: records.map((r) => ({ suite: r.suite, seconds: r.seconds, error: r.error })),
      headlines,
    }),
  );
  const md = [
    `# Benchmark run (${run.mode})`,
    '',
    `${run.startedAt}; ${machineLine(run.machine)}; load ${run.loadAverageEnd1m ?? '?'} at the end.`,
    '',
    ...records.flatMap((r) => [
      `## ${r.title}`,
      '',
      ...(r.error ? [`Failed: ${r.error}`, ''] : []),
      ...r.tables.flatMap((t) => [markdownTable(t)]),
    ]),
    '## Headlines',
    '',
    '| figure | value | goal | met |',
    '| --- | ---: | --- | --- |',
    ...headlines.map(
      (h) =>
        `| ${h.name} | ${h.value} | ${h.goal ?? ''} | ${h.met === undefined ? '' : h.met ? 'yes' : 'no'} |`,
    ),
    '',
  ];
  await writeFile(`${RESULTS_DIR}report.md`, md.join('\n'));
}
