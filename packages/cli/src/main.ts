import { parseArgs } from 'node:util';
import { CliError } from './errors.js';
import { exportCommand } from './export-command.js';
import { snapshotCommand } from './snapshot-command.js';
import { topCommand } from './top-command.js';

const USAGE = `Usage: ecs-task-metrics <command> [options]

Commands:
  snapshot   read the task metadata endpoint once and print every metric point
  top        a refreshing table of the task's containers (plain tables when stdout is not a terminal)

Options (snapshot):
  --endpoint URL        task metadata endpoint v4 (default: $ECS_CONTAINER_METADATA_URI_V4)
  --format table|json   output format (default: table; json prints one object per line)
  --timeout MS          request timeout in milliseconds (default: 2000)
  --exporter cloudwatch|emf
                        export the collection instead of printing it: one PutMetricData round
                        (region and credentials from the AWS SDK's default chain), or EMF lines
  --namespace NS        CloudWatch namespace (required with cloudwatch; emf default: ECSTaskMetrics)
  -h, --help            show this help

Options (top):
  --endpoint URL, --timeout MS   as for snapshot
  --interval SECONDS    time between refreshes (default: 2)
  -n, --iterations N    refreshes before exiting (default: until q on a terminal, 1 otherwise)
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help') {
    process.stdout.write(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command === 'top') return top(rest);
  if (command !== 'snapshot') throw new CliError(`unknown command "${command}" (try --help)`);
  const { values } = parseArgs({
    args: rest,
    options: {
      endpoint: { type: 'string' },
      format: { type: 'string', default: 'table' },
      timeout: { type: 'string' },
      exporter: { type: 'string' },
      namespace: { type: 'string' },
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
  const timeoutMs = parseTimeout(values.timeout);
  if (values.exporter !== undefined) {
    if (values.exporter !== 'cloudwatch' && values.exporter !== 'emf') {
      throw new CliError(`--exporter must be cloudwatch or emf, not "${values.exporter}"`);
    }
    if (values.exporter === 'cloudwatch' && !values.namespace) {
      throw new CliError('--exporter cloudwatch needs --namespace NS');
    }
    await exportCommand(
      {
        endpoint: values.endpoint,
        timeoutMs,
        exporter: values.exporter,
        namespace: values.namespace,
      },
      process.stdout,
    );
    return 0;
  }
  await snapshotCommand(
    { endpoint: values.endpoint, format: values.format, timeoutMs },
    process.stdout,
  );
  return 0;
}

function parseTimeout(text: string | undefined): number | undefined {
  const timeoutMs = text === undefined ? undefined : Number(text);
  if (timeoutMs !== undefined && !(timeoutMs > 0)) {
    throw new CliError(`--timeout must be a positive number of milliseconds`);
  }
  return timeoutMs;
}

async function top(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      endpoint: { type: 'string' },
      timeout: { type: 'string' },
      interval: { type: 'string' },
      iterations: { type: 'string', short: 'n' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const interval = values.interval === undefined ? 2 : Number(values.interval);
  if (!(interval > 0)) throw new CliError('--interval must be a positive number of seconds');
  const iterations = values.iterations === undefined ? undefined : Number(values.iterations);
  if (iterations !== undefined && !(Number.isInteger(iterations) && iterations > 0)) {
    throw new CliError('--iterations must be a positive integer');
  }
  await topCommand(
    {
      endpoint: values.endpoint,
      timeoutMs: parseTimeout(values.timeout),
      intervalMs: interval * 1000,
      iterations,
    },
    { out: process.stdout, input: process.stdin, isTTY: process.stdout.isTTY === true },
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
