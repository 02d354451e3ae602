/*
 * The local demo host (`npm start` at the repository root, and the tests): a TMDS emulator standing in for the
 * ECS agent, the example app forked against it, the emulator's clock advanced so the counters move, and the app's
 * own resident memory written into the emulated container it plays, so `/work/memory` shows in the metrics.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { startTmdsEmulator, type TmdsEmulator } from '@ecs-task-metrics/tmds-emulator';
import { DEMO_ENV, type DemoMessage } from './demo-bridge.js';

export interface LocalDemoOptions {
  /** Emulator scenario. Default `fargate-2-containers`. */
  scenario?: string;
  /** Seconds between two `advance()` of the emulator (and its amount). Default 5. */
  advanceEverySeconds?: number;
  /** Environment of the app, over the demo's defaults (exporter `emf` on stdout, 5 s interval, loopback). */
  env?: NodeJS.ProcessEnv;
  /** Where the app's stdout and stderr go: inherit the terminal (default) or pipe them. */
  stdio?: 'inherit' | 'pipe';
}

export interface LocalDemo {
  emulator: TmdsEmulator;
  app: ChildProcess;
  /** The app's base URL. */
  url: string;
  /** The emulated container whose memory is the app's resident memory. */
  container: { id: string; name: string };
  /** The app's exit (once its output is closed): code and signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Stops the app (SIGTERM), waits for it, then stops the emulator. */
  close(): Promise<void>;
}

// The built entry point, whether this module runs from dist/ or (in tests) from src/.
const SERVER = new URL('../dist/server.js', import.meta.url);

type StatsEntry = { name?: string } | null;

function isRunning(stats: StatsEntry | undefined): stats is { name?: string } {
  return typeof stats === 'object' && stats !== null && Object.keys(stats).length > 0;
}

/**
 * The container the app plays: the one `${url}` describes (its own container on ECS) when it is running in
 * `/task/stats`, else the first running one there (the bundled fixtures come from different tasks).
 */
export async function pickAppContainer(
  emulator: TmdsEmulator,
): Promise<{ id: string; name: string }> {
  const self = (await (await fetch(emulator.url)).json()) as { DockerId?: string };
  const stats = (await (await fetch(`${emulator.url}/task/stats`)).json()) as Record<
    string,
    StatsEntry
  >;
  const id =
    self.DockerId && isRunning(stats[self.DockerId])
      ? self.DockerId
      : Object.keys(stats).find((key) => isRunning(stats[key]));
  const entry = id === undefined ? undefined : stats[id];
  if (id === undefined || !isRunning(entry)) {
    throw new Error('the scenario has no running container for the app to play');
  }
  return { id, name: (entry.name ?? id).replace(/^\//, '') };
}

export async function startLocalDemo(options: LocalDemoOptions = {}): Promise<LocalDemo> {
  const advanceEvery = options.advanceEverySeconds ?? 5;
  const emulator = await startTmdsEmulator({
    scenario: options.scenario ?? 'fargate-2-containers',
  });
  const container = await pickAppContainer(emulator);
  const app = fork(SERVER, [], {
    env: {
      ...process.env,
      ECS_TASK_METRICS_EXPORTER: 'emf',
      OTEL_METRIC_EXPORT_INTERVAL: String(advanceEvery * 1000),
      HOST: '127.0.0.1',
      PORT: '0',
      ...options.env,
      ECS_CONTAINER_METADATA_URI_V4: emulator.url,
      [DEMO_ENV]: '1',
    },
    stdio: options.stdio === 'pipe' ? ['ignore', 'pipe', 'pipe', 'ipc'] : 'inherit',
    // Its own process group: Ctrl-C reaches the host only, which stops the app with SIGTERM, as ECS does.
    detached: true,
  });
  // 'close', not 'exit': its output has been read to the end too.
  const exited = once(app, 'close').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));
  const timer = setInterval(() => emulator.advance(advanceEvery), advanceEvery * 1000);
  const stopAll = async () => {
    clearInterval(timer);
    await emulator.close();
  };

  const url = await new Promise<string>((resolve, reject) => {
    app.on('message', (message: DemoMessage) => {
      if (message.type === 'rss') emulator.setMemoryUsage(container.id, message.bytes);
      else if (message.type === 'listening') resolve(message.url);
    });
    // With piped output the cause would be invisible: keep the end of stderr for the message.
    let stderrTail = '';
    app.stderr?.on('data', (chunk: Buffer) => {
      stderrTail = (stderrTail + chunk.toString('utf8')).slice(-2000);
    });
    exited.then(({ code, signal }) => {
      const detail = stderrTail.trim() ? `: ${stderrTail.trim()}` : '';
      reject(
        new Error(`the example app exited before listening (${signal ?? `code ${code}`})${detail}`),
      );
    });
  }).catch(async (err: unknown) => {
    await stopAll();
    throw err;
  });

  let closing: Promise<void> | undefined;
  return {
    emulator,
    app,
    url,
    container,
    exited,
    close: () => {
      // The emulator outlives the app: its last collection on SIGTERM still reads the endpoint.
      closing ??= (async () => {
        if (app.exitCode === null && app.signalCode === null) app.kill('SIGTERM');
        await exited;
        await stopAll();
      })();
      return closing;
    },
  };
}
