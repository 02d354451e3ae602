import { collectOnce } from './collect-once.js';
import { CliError } from './errors.js';
import { formatJsonLines, formatTable } from './format.js';
import { toPoints } from './points.js';

export interface SnapshotOptions {
  endpoint?: string;
  format: 'json' | 'table';
  timeoutMs?: number;
}

/** `ecs-task-metrics snapshot`: one collection, every point printed. */
export async function snapshotCommand(
  options: SnapshotOptions,
  out: NodeJS.WritableStream,
): Promise<void> {
  const { resourceMetrics } = await collectOnce(options);
  const points = toPoints(resourceMetrics);
  if (points.length === 0) throw new CliError('the endpoint answered, but no container is running');
  out.write(options.format === 'json' ? formatJsonLines(points) : formatTable(points));
}
