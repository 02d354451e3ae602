// Runs once before the e2e files: checks Go and moto, builds (or reuses) the test collector, and turns a missing
// prerequisite into one skip line, or into a failure when .ci/run asks for the suite.
import { buildCollector } from '../../../collector/build.ts';
import { E2E_SKIP_VARIABLE, missingPrerequisite, REQUIRE_E2E_VARIABLE } from './prerequisites.js';

export default async function setup(): Promise<void> {
  const missing = missingPrerequisite();
  if (missing) {
    if (process.env[REQUIRE_E2E_VARIABLE] === '1') {
      throw new Error(`e2e: ${missing}, and ${REQUIRE_E2E_VARIABLE}=1 requires the suite`);
    }
    process.stderr.write(`e2e: skipped, ${missing}\n`);
    // The test workers inherit the environment of this process.
    process.env[E2E_SKIP_VARIABLE] = missing;
    return;
  }
  await buildCollector();
}
