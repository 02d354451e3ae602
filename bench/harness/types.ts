/** What every suite gets from the runner. */
export interface SuiteContext {
  /** `npm run bench:quick`: fewer and shorter rounds, the whole run under a minute. */
  readonly quick: boolean;
  /** Progress lines (stderr), so stdout keeps tables and headlines only. */
  progress(line: string): void;
}

/** A table as printed and as stored in the results JSON. */
export interface Table {
  title: string;
  columns: string[];
  rows: Array<Array<string | number>>;
  /** Lines printed under the table (how to read it, what was skipped). */
  notes?: string[];
}

/** One figure for the closing `name: value` lines. */
export interface Headline {
  name: string;
  value: number | string;
  /** The goal in words (`<= 1.15`), when the figure has one. */
  goal?: string;
  /** Whether the goal is met; undefined when there is no goal or it could not be measured. */
  met?: boolean;
}

/** What a suite hands back: tables to print, headline figures, and any raw data for the JSON file. */
export interface SuiteResult {
  tables: Table[];
  headlines: Headline[];
  data?: unknown;
}

/** A benchmark suite: `bench/<name>.bench.ts` exports one. */
export interface Suite {
  /** Short id: the results file is `bench/results/<name>.json`. */
  name: string;
  /** One line saying what it measures. */
  title: string;
  run(context: SuiteContext): Promise<SuiteResult>;
}
