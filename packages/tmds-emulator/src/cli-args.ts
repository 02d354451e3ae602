import { parseArgs } from 'node:util';

/** What the command line asks for. */
export type CliCommand =
  | { kind: 'help' }
  | { kind: 'list' }
  | {
      /** Runs a command in real cgroups and serves its task; falls back to `serve` where it cannot. */
      kind: 'live';
      command: string[];
      memoryLimitBytes?: number;
      sampleIntervalMs: number;
      containerName?: string;
      /** Mount point of the cgroup v1 hierarchies. */
      cgroupRoot?: string;
      /** The fixture scenario served when cgroups cannot be created. */
      scenario?: string;
      host: string;
      port: number;
    }
  | {
      /** Serves a scenario's fixtures with scripted changes. */
      kind: 'serve';
      scenario?: string;
      dir?: string;
      host: string;
      port: number;
      /** Seconds between automatic `advance()` steps; none when undefined. */
      advanceEvery?: number;
    };

export const USAGE = `Usage: tmds-emulator [--scenario NAME | --dir DIR] [--port N] [--host 127.0.0.1] [--advance-every SECONDS]
       tmds-emulator --live [--memory-limit BYTES[k|m|g]] [--sample-every SECONDS] [--container-name NAME]
                     [--cgroup-root /sys/fs/cgroup] [--scenario NAME] [--port N] -- COMMAND [ARGS...]
       tmds-emulator --list
Serves an Amazon ECS task metadata endpoint v4 on loopback and prints ECS_CONTAINER_METADATA_URI_V4.
--live runs COMMAND as the task's container in new cgroups (v1 memory, cpuacct, blkio), with the variable set,
serves stats rendered from the kernel's files, and exits with the command's exit code. Where cgroups cannot be
created it says so and serves the fixture scenario instead.
`;

const SIZE_UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** `268435456`, `256m`, `1g`... in bytes. */
export function parseSize(text: string): number | undefined {
  const match = /^(\d+)([kmg]?)$/i.exec(text.trim());
  if (!match) return undefined;
  return Number(match[1]) * (SIZE_UNITS[(match[2] ?? '').toLowerCase()] ?? 1);
}

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
      live: { type: 'boolean' },
      'memory-limit': { type: 'string' },
      'sample-every': { type: 'string' },
      'container-name': { type: 'string' },
      'cgroup-root': { type: 'string' },
      list: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return { kind: 'help' };
  if (values.live) return parseLive(values, positionals);
  if (positionals.length > 0) throw new Error(`unexpected argument '${positionals[0]}'`);
  if (values.list) return { kind: 'list' };
  if (values.scenario !== undefined && values.dir !== undefined) {
    throw new Error('--scenario and --dir exclude each other');
  }
  const port = parsePort(values.port);
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

function parsePort(text: string | undefined): number {
  const port = text === undefined ? 0 : Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be an integer from 0 to 65535, got '${text}'`);
  }
  return port;
}

function parseLive(
  values: Record<string, string | boolean | undefined>,
  command: string[],
): CliCommand {
  if (command.length === 0) throw new Error('--live needs a command after --');
  if (values.dir !== undefined || values['advance-every'] !== undefined) {
    throw new Error('--live takes no --dir or --advance-every');
  }
  const limitText = values['memory-limit'] as string | undefined;
  const memoryLimitBytes = limitText === undefined ? undefined : parseSize(limitText);
  if (limitText !== undefined && !memoryLimitBytes) {
    throw new Error(`--memory-limit must be a size such as 268435456 or 256m, got '${limitText}'`);
  }
  const everyText = values['sample-every'] as string | undefined;
  const every = everyText === undefined ? 1 : Number(everyText);
  if (!(Number.isFinite(every) && every > 0)) {
    throw new Error(`--sample-every must be a positive number of seconds, got '${everyText}'`);
  }
  return {
    kind: 'live',
    command,
    memoryLimitBytes,
    sampleIntervalMs: every * 1000,
    containerName: values['container-name'] as string | undefined,
    cgroupRoot: values['cgroup-root'] as string | undefined,
    scenario: values.scenario as string | undefined,
    host: (values.host as string | undefined) ?? '127.0.0.1',
    port: parsePort(values.port as string | undefined),
  };
}
