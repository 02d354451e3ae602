import { collectSuite } from './collect.bench.js';
import type { Suite } from './harness/types.js';

/** Every suite, in the order a run takes them. */
export const suites: Suite[] = [collectSuite];
