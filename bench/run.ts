/*
 * `npm run bench` (full) and `npm run bench:quick` (under a minute).
 * Usage: node bench/dist/run.js [--quick] [--suite NAME[,NAME...]]
 */
import { parseArgs } from 'node:util';
import { runSuites } from './harness/runner.js';
import { suites } from './suites.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    suite: { type: 'string', multiple: true, default: [] },
  },
});
const only = values.suite.flatMap((s) => s.split(',')).filter(Boolean);
process.exitCode = await runSuites(suites, { quick: values.quick, only });
