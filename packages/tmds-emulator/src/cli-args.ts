import { parseArgs } from 'node:util';

/** What the command line asks for. */
export type CliCommand =
  | { kind: 'help' }
  | { kind: 'list' }
  | {
      /** Serves a scenario's fixtures with scripted changes. (A `live` kind reading a real cgroup comes later.) */
      kind: 'serve';
      scenario?: string;
      dir?: string;
      host: string;
      port: number;
      /** Seconds between automatic `advance()` steps; none when undefined. */
      advanceEvery?: number;
    };

export const USAGE = `Usage: tmds-emulator [--scenario NAME | --dir DIR] [--port N] [--host 127.0.0.1] [--advance-every SECONDS]
       tmds-emulator --list
Serves an Amazon ECS task metadata endpoint v4 on loopback and prints ECS_CONTAINER_METADATA_URI_V4.
`;

/** Parses the arguments; throws an Error with a one-line message when they are wrong. */
export function parseCliArgs(argv: readonly string[]): CliCommand {
  const { values, positionals } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: true,
    options: {
      scenario: { type: 'string' },
      dir: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'advance-every': { type: 'string' },
      list: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (positionals.length > 0) throw new Error(`unexpected argument '${positionals[0]}'`);
  if (values.help) return { kind: 'help' };
  if (values.list) return { kind: 'list' };
  if (values.scenario !== undefined && values.dir !== undefined) {
    throw new Error('--scenario and --dir exclude each other');
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be an integer from 0 to 65535, got '${values.port}'`);
  }
  const advanceEvery =
    values['advance-every'] === undefined ? undefined : Number(values['advance-every']);
  if (advanceEvery !== undefined && !(Number.isFinite(advanceEvery) && advanceEvery > 0)) {
    throw new Error(
      `--advance-every must be a positive number of seconds, got '${values['advance-every']}'`,
    );
  }
  return {
    kind: 'serve',
    scenario: values.scenario,
    dir: values.dir,
    host: values.host ?? '127.0.0.1',
    port,
    advanceEvery,
  };
}
