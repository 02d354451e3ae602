import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startTmdsEmulator } from '@ecs-task-metrics/tmds-emulator';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const JOB = fileURLToPath(new URL('../src/job.ts', import.meta.url));

describe('the batch job', () => {
  it('runs its three phases and flushes on a fresh agent sample', async () => {
    const emu = await startTmdsEmulator({ scenario: 'fargate-2-containers' });
    // The agent samples every 200 ms of this test.
    const agent = setInterval(() => emu.advance(10), 200);
    const dir = mkdtempSync(join(tmpdir(), 'batch-job-'));
    try {
      const { stderr } = await run(process.execPath, [JOB], {
        env: {
          ...process.env,
          ECS_CONTAINER_METADATA_URI_V4: emu.url,
          ROWS: '2000',
          OUTPUT: join(dir, 'scores.json'),
        },
      });
      const phases = [...stderr.matchAll(/^phase (\w+): /gm)].map((m) => m[1]);
      expect(phases).toEqual(['load', 'score', 'write']);
      expect(stderr).toMatch(/^flushed: fresh agent sample after \d+ poll\(s\)$/m);
    } finally {
      clearInterval(agent);
      rmSync(dir, { recursive: true, force: true });
      await emu.close();
    }
  });
});
