import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { emfProblems, extractMetrics } from '../../../test/support/emf-validation.js';
import { type LocalDemo, startLocalDemo } from '../src/local-demo.js';

const SCENARIO = 'fargate-2-containers';
const FIXTURES = new URL('../../../packages/tmds-emulator/fixtures/', import.meta.url);
const MIB = 1024 * 1024;

let demo: LocalDemo | undefined;
afterEach(async () => {
  await demo?.close();
  demo = undefined;
});

/** The example app forked against the emulator as `npm start` runs it (EMF on stdout), exporting every second. */
async function start() {
  const started = await startLocalDemo({
    scenario: SCENARIO,
    advanceEverySeconds: 1,
    stdio: 'pipe',
    env: { OTEL_METRIC_EXPORT_INTERVAL: '1000' },
  });
  demo = started;
  // The demo's one-line summary of each export, for people.
  const summaries: string[] = [];
  createInterface({ input: started.app.stderr! }).on('line', (line) => {
    if (line.startsWith('── exported: ')) summaries.push(line);
  });
  // Every EMF document the app printed, and waiters for the next ones.
  const documents: string[] = [];
  const waiters = new Set<() => void>();
  createInterface({ input: started.app.stdout! }).on('line', (line) => {
    if (!line.startsWith('{"_aws"')) return;
    documents.push(line);
    for (const w of waiters) w();
  });
  // Every resident-memory figure the app reported into the emulator.
  const reported: number[] = [];
  started.app.on('message', (m: { type: string; bytes?: number }) => {
    if (m.type === 'rss') reported.push(m.bytes!);
  });
  const until = (predicate: () => boolean, timeoutMs = 20_000) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!predicate()) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(
          new Error(`no matching EMF line within ${timeoutMs} ms (${documents.length} lines)`),
        );
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  return { demo: started, documents, summaries, reported, until };
}

/** Values of one metric of one container, from EMF documents (dimension ContainerName). */
function containerValues(documents: string[], metric: string, container: string): number[] {
  return documents
    .flatMap(extractMetrics)
    .filter(
      (m) =>
        m.MetricName === metric &&
        m.Dimensions.some((d) => d.Name === 'ContainerName' && d.Value === container),
    )
    .map((m) => m.Value!);
}

describe('the example app against the TMDS emulator (child process, as npm start runs it)', () => {
  it('POST /work/memory raises the working set of its container in the exported EMF', async () => {
    const { demo, documents, summaries, reported, until } = await start();
    const stats = JSON.parse(
      readFileSync(new URL(`${SCENARIO}/task-stats.json`, FIXTURES), 'utf8'),
    );
    const inactiveFile: number = stats[demo.container.id].memory_stats.stats.inactive_file;
    const workingSets = () =>
      containerValues(documents, 'container.memory.working_set', demo.container.name);

    await until(() => workingSets().length > 0);
    const before = workingSets().at(-1)!;

    const mb = 128;
    const res = await fetch(`${demo.url}/work/memory?mb=${mb}&ms=60000`, { method: 'POST' });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ allocatedMiB: mb, heldMiB: mb });

    // Every page of the allocation was written, so resident memory grows by about `mb` MiB; half is a safe floor.
    const risen = (v: number) => v - before >= (mb * MIB) / 2;
    await until(() => workingSets().some(risen));
    const after = workingSets().find(risen)!;
    // Working set = usage - inactive_file, where usage is the app's resident memory written into the emulator.
    expect(reported).toContain(after + inactiveFile);
    for (const line of documents) expect(emfProblems(line)).toEqual([]);
    expect(summaries.some((l) => l.includes(`${demo.container.name} `))).toBe(true);
  });

  it('on SIGTERM the app exports a final collection before it exits, and exits normally', async () => {
    const { demo, documents, until } = await start();
    await until(() => documents.length > 0);
    const linesAtSignal = documents.length;
    demo.app.kill('SIGTERM');
    const exit = await demo.exited;
    // The app has its own SIGTERM handler (it closes the server), so the exit is its own: code 0, no signal.
    expect(exit).toEqual({ code: 0, signal: null });
    const final = documents.slice(linesAtSignal).flatMap(extractMetrics);
    expect(final.some((m) => m.MetricName === 'aws.ecs.task.memory.working_set')).toBe(true);
  });
});
