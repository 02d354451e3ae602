import { parseArgs } from 'node:util';
import { CliError } from './errors.js';
import { snapshotCommand } from './snapshot-command.js';

const USAGE = `Usage: ecs-task-metrics <command> [options]

Commands:
  snapshot   read the task metadata endpoint once and print every metric point

Options (snapshot):
  --endpoint URL        task metadata endpoint v4 (default: $ECS_CONTAINER_METADATA_URI_V4)
  --format table|json   output format (default: table; json prints one object per line)
  --timeout MS          request timeout in milliseconds (default: 2000)
  -h, --help            show this help
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help') {
    process.stdout.write(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command !== 'snapshot') throw new CliError(`unknown command "${command}" (try --help)`);
  const { values } = parseArgs({
    args: rest,
    options: {
      endpoint: { type: 'string' },
      format: { type: 'string', default: 'table' },
      timeout: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (values.format !== 'table' && values.format !== 'json') {
    throw new CliError(`--format must be table or json, not "${values.format}"`);
  }
  const timeoutMs = values.timeout === undefined ? undefined : Number(values.timeout);
  if (timeoutMs !== undefined && !(timeoutMs > 0)) {
    throw new CliError(`--timeout must be a positive number of milliseconds`);
  }
  await snapshotCommand(
    { endpoint: values.endpoint, format: values.format, timeoutMs },
    process.stdout,
  );
  return 0;
}

// Failures end as one line naming the cause and exit code 2, never a stack trace.
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`ecs-task-metrics: ${message}\n`);
    process.exitCode = 2;
  },
);
