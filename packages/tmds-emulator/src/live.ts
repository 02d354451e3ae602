/*
 * Live mode: runs a command as an "ECS container" in real cgroups and serves TMDS v4 answers rendered from the
 * kernel's files. The command's first process is a shell that moves itself into the cgroups and then execs the
 * command, so every byte the command allocates is charged to the container from its first instruction.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { basename } from 'node:path';
import { LiveCgroups } from './live-cgroups.js';
import { LiveState } from './live-state.js';
import { serveState } from './server.js';
import type { LiveEmulatorOptions, LiveExit, LiveTmdsEmulator } from './types.js';

export const DEFAULT_LIVE_SAMPLE_INTERVAL_MS = 1000;

const ENTER_CGROUPS =
  'IFS=:; for f in $TMDS_LIVE_CGROUP_PROCS; do echo $$ > "$f" || exit 125; done; unset TMDS_LIVE_CGROUP_PROCS; exec "$@"';

/** The ECS exit code of a process: its code, or 128 + the signal number (Docker's convention). */
export function ecsExitCode(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  const number = signal ? constants.signals[signal] : undefined;
  return 128 + (number ?? 0);
}

/**
 * Starts the command in new cgroups and serves its task. Rejects with a LiveCgroupError when cgroups cannot be
 * created here (see `probeLiveCgroups`).
 */
export async function startLiveEmulator(options: LiveEmulatorOptions): Promise<LiveTmdsEmulator> {
  const [program, ...args] = options.command;
  if (!program) throw new Error('tmds-emulator: live mode needs a command');
  const cgroups = LiveCgroups.create({
    root: options.cgroupRoot,
    memoryLimitBytes: options.memoryLimitBytes,
  });
  const cleanupOnExit = () => cgroups.removeSync();
  process.once('exit', cleanupOnExit);

  const state = new LiveState(cgroups, {
    containerName: options.containerName ?? 'app',
    family: options.family ?? 'live',
    image: `live/${basename(program)}:latest`,
    memoryLimitBytes: options.memoryLimitBytes,
  });
  let server: Awaited<ReturnType<typeof serveState>>;
  try {
    server = await serveState(state, {
      host: options.host,
      port: options.port,
      rateLimit: options.rateLimit,
      endpointId: `${state.dockerId.slice(0, 32)}-live`,
    });
  } catch (err) {
    cgroups.removeSync();
    process.off('exit', cleanupOnExit);
    throw err;
  }

  const child = spawn('/bin/sh', ['-c', ENTER_CGROUPS, 'tmds-live', program, ...args], {
    env: {
      ...process.env,
      ...options.env,
      ECS_CONTAINER_METADATA_URI_V4: server.url,
      TMDS_LIVE_CGROUP_PROCS: cgroups.procsFiles.join(':'),
    },
    stdio: options.stdio === 'inherit' ? 'inherit' : 'pipe',
  });
  state.markStarted();
  state.sample();
  const interval = options.sampleIntervalMs ?? DEFAULT_LIVE_SAMPLE_INTERVAL_MS;
  const timer = interval > 0 ? setInterval(() => state.sample(), interval) : undefined;

  const exited = new Promise<LiveExit>((resolve) => {
    child.once('exit', (code, signal) => {
      if (timer) clearInterval(timer);
      const exitCode = ecsExitCode(code, signal);
      state.markStopped(exitCode);
      resolve({ exitCode, signal });
    });
    child.once('error', () => {
      if (timer) clearInterval(timer);
      state.markStopped(127);
      resolve({ exitCode: 127, signal: null });
    });
  });

  return {
    ...server,
    child,
    dockerId: state.dockerId,
    cgroupPaths: cgroups.paths,
    readMemoryFile: (file) => cgroups.read('memory', file),
    sample: () => state.sample(),
    get samples() {
      return state.samples;
    },
    exited,
    close: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      const left = cgroups.removeSync();
      process.off('exit', cleanupOnExit);
      await server.close();
      if (left.length > 0) {
        throw new Error(`tmds-emulator: could not remove the cgroups ${left.join(', ')}`);
      }
    },
  };
}
