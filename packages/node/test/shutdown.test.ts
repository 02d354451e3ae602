import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { startTmdsEmulator, type TmdsEmulator } from '@ecs-task-metrics/tmds-emulator';
import { afterEach, describe, expect, it } from 'vitest';

const FIXTURE = new URL('./fixtures/signal-app.mjs', import.meta.url).pathname;

interface Run {
  child: ChildProcess;
  events: Array<{ event: string; points?: number }>;
  /** Resolves when the child printed `event`. */
  waitFor(event: string): Promise<void>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

let emu: TmdsEmulator | undefined;
let agent: NodeJS.Timeout | undefined;
afterEach(async () => {
  clearInterval(agent);
  await emu?.close();
  emu = undefined;
});

async function run(mode: string, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  emu = await startTmdsEmulator({ scenario: 'fargate-2-containers' });
  // Like the agent, a new stats sample every so often (shutdown waits for the next one).
  const e = emu;
  agent = setInterval(() => e.advance(1), 250);
  const child = spawn(process.execPath, [FIXTURE], {
    env: { ...process.env, ...env, FIXTURE_MODE: mode, ECS_CONTAINER_METADATA_URI_V4: emu.url },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const events: Run['events'] = [];
  const waiters: Array<{ event: string; resolve: () => void }> = [];
  createInterface({ input: child.stdout! }).on('line', (text) => {
    const e = JSON.parse(text);
    events.push(e);
    for (const w of waiters.filter((w) => w.event === e.event)) w.resolve();
  });
  const exit = once(child, 'exit').then(([code, signal]) => ({ code, signal }));
  return {
    child,
    events,
    exit,
    waitFor: (event) =>
      events.some((e) => e.event === event)
        ? Promise.resolve()
        : new Promise((resolve) => waiters.push({ event, resolve })),
  };
}

describe('shutdown hooks (child processes)', () => {
  it('on SIGTERM with no handler of the app: one last collection is exported, then the process dies of SIGTERM as by default', async () => {
    const r = await run('plain');
    await r.waitFor('ready');
    emu!.resetCounts();
    r.child.kill('SIGTERM');
    const { code, signal } = await r.exit;
    expect(signal).toBe('SIGTERM');
    expect(code).toBeNull();
    // The last collection read the endpoint after the signal.
    expect(emu!.requestCount('/task/stats')).toBeGreaterThan(0);
    const exports = r.events.filter((e) => e.event === 'export');
    expect(exports).toHaveLength(1);
    expect(exports[0]!.points).toBeGreaterThan(0);
  });

  it("on SIGTERM with the app's own handler: exports, leaves the exit to the app, exports again before exit", async () => {
    const r = await run('own-handler');
    await r.waitFor('ready');
    emu!.resetCounts();
    r.child.kill('SIGTERM');
    const { code, signal } = await r.exit;
    // The app's handler ran and the process ended normally once its event loop ran dry: no re-raised signal.
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    const order = r.events.map((e) => e.event).filter((e) => e !== 'ready');
    expect(order).toContain('app-handler');
    // The flush on the signal, then the last one on beforeExit (after the agent's next sample).
    expect(order.filter((e) => e === 'export')).toHaveLength(2);
  });

  it('a short-lived task exports its last collection on beforeExit', async () => {
    const r = await run('short-lived');
    const { code, signal } = await r.exit;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    const order = r.events.map((e) => e.event);
    expect(order.indexOf('export')).toBeGreaterThan(order.indexOf('work-done'));
  });

  it('an exporter that never answers cannot hold the process past the shutdown timeout', async () => {
    const r = await run('hanging', { ECS_TASK_METRICS_SHUTDOWN_TIMEOUT: '300' });
    await r.waitFor('ready');
    r.child.kill('SIGTERM');
    const { signal } = await r.exit;
    expect(signal).toBe('SIGTERM');
    expect(r.events.filter((e) => e.event === 'export')).toHaveLength(1);
  });
});
