#!/usr/bin/env node
import { spawn } from 'node:child_process';
import { type CliCommand, parseCliArgs, USAGE } from './cli-args.js';
import { ecsExitCode, startLiveEmulator } from './live.js';
import { LiveCgroupError } from './live-cgroups.js';
import { listScenarios } from './scenario.js';
import { startTmdsEmulator } from './server.js';
import type { TmdsEndpointServer } from './types.js';

function fail(message: string): never {
  process.stderr.write(
    `tmds-emulator: ${message.replace(/^tmds-emulator: /, '').split('\n')[0]}\n`,
  );
  process.exit(2);
}

async function main(argv: readonly string[]): Promise<void> {
  let command: ReturnType<typeof parseCliArgs>;
  try {
    command = parseCliArgs(argv);
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  if (command.kind === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  if (command.kind === 'list') {
    process.stdout.write(`${listScenarios().join('\n')}\n`);
    return;
  }
  if (command.kind === 'live') return live(command);

  let emulator: Awaited<ReturnType<typeof startTmdsEmulator>>;
  try {
    emulator = await startTmdsEmulator({
      scenario: command.scenario,
      dir: command.dir,
      host: command.host,
      port: command.port,
    });
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  announce(emulator.url, process.stdout);

  const { advanceEvery } = command;
  const timer =
    advanceEvery === undefined
      ? undefined
      : setInterval(() => emulator.advance(advanceEvery), advanceEvery * 1000);

  const shutdown = () => {
    if (timer) clearInterval(timer);
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

function announce(url: string, stream: NodeJS.WritableStream): void {
  stream.write(`TMDS emulator listening on ${url}\nexport ECS_CONTAINER_METADATA_URI_V4=${url}\n`);
}

/** `--live`: the command's exit code becomes ours; SIGINT/SIGTERM are passed on to it. */
async function live(command: Extract<CliCommand, { kind: 'live' }>): Promise<void> {
  // The command owns stdout: the emulator's lines go to stderr.
  let emulator: Awaited<ReturnType<typeof startLiveEmulator>>;
  try {
    emulator = await startLiveEmulator({
      command: command.command,
      memoryLimitBytes: command.memoryLimitBytes,
      sampleIntervalMs: command.sampleIntervalMs,
      containerName: command.containerName,
      cgroupRoot: command.cgroupRoot,
      host: command.host,
      port: command.port,
      stdio: 'inherit',
    });
  } catch (error) {
    if (!(error instanceof LiveCgroupError))
      fail(error instanceof Error ? error.message : String(error));
    return fallback(command, error.message);
  }
  announce(emulator.url, process.stderr);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => emulator.child.kill(signal));
  }
  const { exitCode } = await emulator.exited;
  await emulator.close();
  process.exit(exitCode);
}

/** Without cgroups: the fixture scenario, and the command run as a plain process. */
async function fallback(
  command: Extract<CliCommand, { kind: 'live' }>,
  reason: string,
): Promise<void> {
  const scenario = command.scenario ?? 'fargate-2-containers';
  process.stderr.write(
    `tmds-emulator: live mode unavailable (${reason}): serving the fixture scenario '${scenario}' instead\n`,
  );
  let server: TmdsEndpointServer;
  try {
    server = await startTmdsEmulator({ scenario, host: command.host, port: command.port });
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  announce(server.url, process.stderr);
  const [program, ...args] = command.command as [string, ...string[]];
  const child = spawn(program, args, {
    stdio: 'inherit',
    env: { ...process.env, ECS_CONTAINER_METADATA_URI_V4: server.url },
  });
  const exitCode = await new Promise<number>((resolve) => {
    child.once('exit', (code, signal) => resolve(ecsExitCode(code, signal)));
    child.once('error', () => resolve(127));
  });
  await server.close();
  process.exit(exitCode);
}

await main(process.argv.slice(2));
