/*
 * `ecs-task-metrics top`: a refreshing table of the task's containers, for a shell inside the task (ECS Exec).
 * Every refresh is one collection through the CLI's MeterProvider session; on a terminal the table is redrawn in
 * the alternate screen until `q` or Ctrl-C, otherwise plain tables are printed one after the other.
 */
import type { TmdsTaskMetadata } from '@ecs-task-metrics/instrumentation';
import { openCollection } from './collect-once.js';
import { alignColumns, humanValue } from './format.js';
import { type MetricPoint, toPoints } from './points.js';

export interface TopOptions {
  endpoint?: string;
  timeoutMs?: number;
  /** Time between refreshes, ms. Default 2000. */
  intervalMs?: number;
  /** Number of refreshes; default: until quit on a terminal, 1 otherwise. */
  iterations?: number;
}

export const TOP_HEADER = [
  'CONTAINER',
  'STATUS',
  'MEM USAGE',
  'WORKING SET',
  'LIMIT',
  'MEM %',
  'PEAK',
  'CPU',
  'NET RX',
  'NET TX',
];

const NONE = '-';

/** Values of one scope (a container name, or the task) by metric name and extra attribute. */
function index(points: MetricPoint[]): Map<string, Map<string, MetricPoint>> {
  const scopes = new Map<string, Map<string, MetricPoint>>();
  for (const p of points) {
    const scope = String(p.attributes['container.name'] ?? '');
    const extra =
      p.attributes['network.io.direction'] ?? p.attributes['aws.ecs.container.known_status'];
    const key = extra === undefined ? p.name : `${p.name}|${extra}`;
    const metrics = scopes.get(scope) ?? new Map<string, MetricPoint>();
    scopes.set(scope, metrics);
    metrics.set(key, p);
  }
  return scopes;
}

function cell(metrics: Map<string, MetricPoint> | undefined, key: string): string {
  const p = metrics?.get(key);
  return p === undefined ? NONE : humanValue(p.value, p.unit);
}

function status(metrics: Map<string, MetricPoint> | undefined): string {
  let current = NONE;
  for (const [key, p] of metrics ?? []) {
    if (key.startsWith('aws.ecs.container.status|') && p.value === 1) {
      current = key.slice(key.indexOf('|') + 1);
    }
  }
  const exit = metrics?.get('aws.ecs.container.exit_code');
  return exit === undefined ? current : `${current} (exit ${exit.value})`;
}

/** The rows of the table: one per container (in `/task` order, then any other), then the task. Pure. */
export function topRows(points: MetricPoint[], task: TmdsTaskMetadata | undefined): string[][] {
  const scopes = index(points);
  const names = (task?.Containers ?? []).map((c) => c.Name).filter((n): n is string => !!n);
  for (const name of scopes.keys()) if (name && !names.includes(name)) names.push(name);
  const rows = names.map((name) => {
    const m = scopes.get(name);
    return [
      name,
      status(m),
      cell(m, 'container.memory.usage'),
      cell(m, 'container.memory.working_set'),
      cell(m, 'container.memory.limit'),
      cell(m, 'container.memory.utilization'),
      cell(m, 'container.memory.usage.max'),
      cell(m, 'container.cpu.usage'),
      cell(m, 'container.network.io|receive'),
      cell(m, 'container.network.io|transmit'),
    ];
  });
  const t = scopes.get('');
  rows.push([
    'TASK',
    (task?.KnownStatus ?? NONE).toLowerCase(),
    cell(t, 'aws.ecs.task.memory.usage'),
    cell(t, 'aws.ecs.task.memory.working_set'),
    cell(t, 'aws.ecs.task.memory.limit'),
    cell(t, 'aws.ecs.task.memory.utilization'),
    NONE,
    cell(t, 'aws.ecs.task.cpu.usage'),
    cell(t, 'aws.ecs.task.network.io|receive'),
    cell(t, 'aws.ecs.task.network.io|transmit'),
  ]);
  return rows;
}

/** One screen: a title line and the table. */
export function formatTop(
  points: MetricPoint[],
  task: TmdsTaskMetadata | undefined,
  at: Date,
): string {
  const family = task?.Family ? `${task.Family}:${task.Revision ?? '?'}` : 'task';
  const title = `${family}  ${at.toISOString().replace(/\.\d+Z$/, 'Z')}`;
  return `${title}\n${alignColumns(TOP_HEADER, topRows(points, task))}`;
}

const ALT_SCREEN_ON = '\x1b[?1049h\x1b[?25l';
const ALT_SCREEN_OFF = '\x1b[?25h\x1b[?1049l';
const HOME_CLEAR = '\x1b[H\x1b[2J';

export interface Terminal {
  out: NodeJS.WriteStream | NodeJS.WritableStream;
  input?: NodeJS.ReadStream;
  isTTY: boolean;
}

/** Runs `top` until the iterations are done or the user quits (`q`, Ctrl-C). */
export async function topCommand(options: TopOptions, terminal: Terminal): Promise<void> {
  const { out, isTTY, input } = terminal;
  const intervalMs = options.intervalMs ?? 2000;
  const iterations = options.iterations ?? (isTTY ? Number.POSITIVE_INFINITY : 1);
  const session = await openCollection(options);
  let quit: () => void = () => {};
  const quitting = new Promise<void>((resolve) => {
    quit = resolve;
  });
  let stopped = false;
  void quitting.then(() => {
    stopped = true;
  });
  const onKey = (key: Buffer) => {
    const k = key.toString();
    if (k === 'q' || k === 'Q' || k === '\x03') quit();
  };
  if (isTTY) {
    out.write(ALT_SCREEN_ON);
    if (input?.isTTY) {
      input.setRawMode(true);
      input.on('data', onKey);
      input.resume();
    }
    process.once('SIGINT', quit);
  }
  try {
    for (let i = 0; i < iterations && !stopped; i++) {
      let screen: string;
      try {
        const { resourceMetrics, task } = await session.collect();
        screen = formatTop(toPoints(resourceMetrics), task, new Date());
      } catch (err) {
        if (!isTTY) throw err;
        screen = `ecs-task-metrics: ${(err as Error).message}\n`;
      }
      out.write(isTTY ? `${HOME_CLEAR}${screen}\nq: quit\n` : `${i > 0 ? '\n' : ''}${screen}`);
      if (i + 1 < iterations) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          quitting,
          new Promise((resolve) => {
            timer = setTimeout(resolve, intervalMs);
          }),
        ]);
        clearTimeout(timer);
      }
    }
  } finally {
    if (isTTY) {
      process.off('SIGINT', quit);
      if (input?.isTTY) {
        input.off('data', onKey);
        input.setRawMode(false);
        input.pause();
      }
      out.write(ALT_SCREEN_OFF);
    }
    await session.close();
  }
}
