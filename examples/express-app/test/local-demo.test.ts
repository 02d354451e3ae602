import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { type OtlpReceiver, startOtlpReceiver } from '../../../test/support/otlp-receiver.js';
import { type LocalDemo, startLocalDemo } from '../src/local-demo.js';

const SCENARIO = 'fargate-2-containers';
const FIXTURES = new URL('../../../packages/tmds-emulator/fixtures/', import.meta.url);
const MIB = 1024 * 1024;

let demo: LocalDemo | undefined;
let receiver: OtlpReceiver | undefined;
afterEach(async () => {
  await demo?.close();
  await receiver?.close();
  demo = receiver = undefined;
});

/** The example app forked against the emulator, exporting OTLP to the receiver every second. */
async function start() {
  receiver = await startOtlpReceiver();
  demo = await startLocalDemo({
    scenario: SCENARIO,
    advanceEverySeconds: 1,
    stdio: 'pipe',
    env: {
      ECS_TASK_METRICS_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_METRIC_EXPORT_INTERVAL: '1000',
    },
  });
  demo.app.stdout!.resume();
  demo.app.stderr!.resume();
  // Every resident-memory figure the app reported into the emulator.
  const reported: number[] = [];
  demo.app.on('message', (m: { type: string; bytes?: number }) => {
    if (m.type === 'rss') reported.push(m.bytes!);
  });
  return { demo, receiver, reported };
}

describe('the example app against the TMDS emulator (child process)', () => {
  it('POST /work/memory raises the working set of its container in the exported metrics', async () => {
    const { demo, receiver, reported } = await start();
    const stats = JSON.parse(
      readFileSync(new URL(`${SCENARIO}/task-stats.json`, FIXTURES), 'utf8'),
    );
    const inactiveFile: number = stats[demo.container.id].memory_stats.stats.inactive_file;
    const workingSets = () =>
      receiver
        .points()
        .filter(
          (p) =>
            p.name === 'container.memory.working_set' &&
            p.attributes['container.id'] === demo.container.id,
        )
        .map((p) => p.value);

    await receiver.waitFor(() => workingSets().length > 0);
    const before = workingSets().at(-1)!;

    const mb = 128;
    const res = await fetch(`${demo.url}/work/memory?mb=${mb}&ms=60000`, { method: 'POST' });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ allocatedMiB: mb, heldMiB: mb });

    // Every page of the allocation was written, so resident memory grows by about `mb` MiB; half is a safe floor.
    const risen = (v: number) => v - before >= (mb * MIB) / 2;
    await receiver.waitFor(() => workingSets().some(risen));
    const after = workingSets().find(risen)!;
    // Working set = usage - inactive_file, where usage is the app's resident memory written into the emulator.
    expect(reported).toContain(after + inactiveFile);
  });

  it('on SIGTERM the app exports a final collection before it exits, and exits normally', async () => {
    const { demo, receiver } = await start();
    await receiver.waitFor((points) => points.length > 0);
    const requestsAtSignal = receiver.requests.length;
    demo.app.kill('SIGTERM');
    const exit = await demo.exited;
    const requestsAtExit = receiver.requests.length;
    // The app has its own SIGTERM handler (it closes the server), so the exit is its own: code 0, no signal.
    expect(exit).toEqual({ code: 0, signal: null });
    expect(requestsAtExit).toBeGreaterThan(requestsAtSignal);
    const finalPoints = receiver.points().filter((p) => p.request >= requestsAtSignal);
    expect(finalPoints.some((p) => p.name === 'aws.ecs.task.memory.working_set')).toBe(true);
  });
});
