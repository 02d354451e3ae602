import type {
  ContainerMetrics,
  TaskSnapshot,
  TmdsTaskMetadata,
} from '@ecs-task-metrics/instrumentation';

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

export function mib(bytes: number | undefined): string {
  return bytes === undefined ? '–' : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

export function percent(ratio: number | undefined): string {
  return ratio === undefined ? '–' : `${(ratio * 100).toFixed(1)} %`;
}

export function vcpu(value: number | undefined): string {
  return value === undefined ? '–' : `${value.toFixed(3)} vCPU`;
}

const COLUMNS = ['', 'working set', 'peak', 'limit', 'memory', 'CPU', 'CPU share'];

function row(
  name: string,
  m: Pick<
    ContainerMetrics,
    'memoryWorkingSet' | 'memoryUsageMax' | 'memoryLimit' | 'memoryUtilization' | 'cpuUsage'
  > & { cpuUtilization?: number },
): string {
  const cells = [
    name,
    mib(m.memoryWorkingSet),
    mib(m.memoryUsageMax),
    mib(m.memoryLimit),
    percent(m.memoryUtilization),
    vcpu(m.cpuUsage),
    percent(m.cpuUtilization),
  ];
  return `<tr>${cells.map((c, i) => (i === 0 ? `<th>${escapeHtml(c)}</th>` : `<td>${c}</td>`)).join('')}</tr>`;
}

/** The `GET /` page: the task and its containers, as the last collection saw them. */
export function renderPage(input: {
  snapshot?: TaskSnapshot;
  task?: TmdsTaskMetadata;
  error?: string;
  heldMiB: number;
  /** `http://host:port` as the browser reached the app. */
  baseUrl: string;
}): string {
  const base = escapeHtml(input.baseUrl);
  const { snapshot, task } = input;
  const title = task?.Family ? `${task.Family}:${task.Revision ?? ''}` : 'ECS task';
  const body = snapshot
    ? `<table>
<tr>${COLUMNS.map((c) => `<th>${c}</th>`).join('')}</tr>
${row('task', snapshot.task)}
${snapshot.containers.map((c) => row(c.name, c)).join('\n')}
</table>`
    : `<p class="error">No numbers: ${escapeHtml(input.error ?? 'not collected yet')}</p>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="refresh" content="5">
<title>${escapeHtml(title)} · ecs-task-metrics</title>
<style>
body { font: 15px system-ui, sans-serif; margin: 2rem; }
table { border-collapse: collapse; }
th, td { padding: .3rem .8rem; border-bottom: 1px solid #ddd; text-align: right; }
th:first-child { text-align: left; }
code { background: #f4f4f4; padding: 0 .3rem; }
.error { color: #b00; }
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml([task?.LaunchType, task?.Cluster].filter(Boolean).join(' · '))}</p>
${body}
<p>This process holds ${input.heldMiB} MiB from <code>/work/memory</code>. The page refreshes every 5 s.</p>
<p>Make it work:</p>
<ul>
<li><code>curl -X POST '${base}/work/memory?mb=200&amp;ms=30000'</code> holds 200 MiB for 30 s</li>
<li><code>curl -X POST '${base}/work/cpu?ms=5000'</code> keeps a CPU busy for 5 s</li>
</ul>
</body>
</html>
`;
}
