#!/usr/bin/env node
import { parseCliArgs, USAGE } from './cli-args.js';
import { listScenarios } from './scenario.js';
import { startTmdsEmulator } from './server.js';

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
  process.stdout.write(
    `TMDS emulator listening on ${emulator.url}\nexport ECS_CONTAINER_METADATA_URI_V4=${emulator.url}\n`,
  );

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

await main(process.argv.slice(2));
