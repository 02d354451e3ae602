import { collectSuite } from './collect.bench.js';
import { eventLoopSuite } from './event-loop.bench.js';
import { exportSuite } from './export.bench.js';
import type { Suite } from './harness/types.js';
import { memorySuite } from './memory.bench.js';
import { scalingSuite } from './scaling.bench.js';

/** Every suite, in the order a run takes them. */
export const suites: Suite[] = [
  collectSuite,
  scalingSuite,
  memorySuite,
  eventLoopSuite,
  exportSuite,
];
