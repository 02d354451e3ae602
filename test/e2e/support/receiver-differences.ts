// The documented, reasoned list of every way the contrib receiver awsecscontainermetrics and our instrumentation
// disagree on the fixture scenarios. The differential test fails on a difference no cause here explains, and on a
// cause that no longer explains anything. Each reason is written from the receiver's code (v0.161.0):
// internal/awsecscontainermetrics/{accumulator,metrics_helper,translator}.go.
import type { ComparedValue } from './receiver-comparison.js';

export interface DifferenceCause {
  /** Short name, shown in the table. */
  title: string;
  /** Why the numbers differ, and which is right. */
  why: string;
  /** Scenario labels the cause applies to. */
  scenarios: readonly string[];
  /** Receiver metric names the cause applies to. */
  metrics: readonly string[];
}

/** The scenario label of a variant whose `/task` ids were aligned with `/task/stats` (see alignedTaskDocument). */
export const alignedLabel = (scenario: string) => `${scenario}, ids aligned`;

const CGROUP_V2 = ['managed-instances-cgroupv2'];
const AWSVPC_ALIGNED = [alignedLabel('ec2-awsvpc'), alignedLabel('fargate-empty-precpu')];
const UNJOINED = ['ec2-awsvpc', 'fargate-2-containers', 'fargate-empty-precpu'];

/** In order: a difference is explained by the first cause that names its scenario and metric. */
export const DIFFERENCE_CAUSES: readonly DifferenceCause[] = [
  {
    title: 'cgroup v2: page cache counted as used',
    why: 'The receiver computes memory.utilized as usage − stats["cache"] in whole MiB. cgroup v2 has no `cache` key (it has `file`, `inactive_file`), so it subtracts 0 and reports the page cache as used memory. Ours is usage − `inactive_file`, the working set the kernel cannot reclaim.',
    scenarios: CGROUP_V2,
    metrics: ['container.memory.utilized', 'ecs.task.memory.utilized'],
  },
  {
    title: 'cgroup v2: no peak',
    why: 'cgroup v2 stats have no `max_usage`; the receiver reports 0. Ours reports the highest usage this process has observed for the container (here its only sample).',
    scenarios: CGROUP_V2,
    metrics: ['container.memory.usage.max'],
  },
  {
    title: 'cgroup v2: disk I/O missed',
    why: 'The receiver sums `io_service_bytes_recursive` entries whose op is exactly "Read"/"Write"; cgroup v2 writes "read"/"write", so it reports 0. Ours matches the op case-insensitively.',
    scenarios: CGROUP_V2,
    metrics: [
      'container.storage.read_bytes',
      'container.storage.write_bytes',
      'ecs.task.storage.read_bytes',
      'ecs.task.storage.write_bytes',
    ],
  },
  {
    title: '"no limit" exported as a limit',
    why: 'The receiver exports the raw cgroup `limit`: 9223372036854771712 (2^63 rounded to a page, cgroup v1) or 2^64 − 1 cast to int64 = −1 (cgroup v2), and sums them for the task. Ours treats any limit ≥ 2^62 as no limit and reports the limit that applies: the task size.',
    scenarios: ['fargate-stopped-container', CGROUP_V2[0]!, alignedLabel('fargate-empty-precpu')],
    metrics: ['container.memory.usage.limit', 'ecs.task.memory.usage.limit'],
  },
  {
    title: 'awsvpc: task traffic × number of containers',
    why: 'On awsvpc every container reports the same task ENI counters. The receiver sums them over the containers, so a task with N containers shows N × its traffic. Ours takes the newest sample once.',
    scenarios: AWSVPC_ALIGNED,
    metrics: ['ecs.task.network.io.usage.rx_bytes', 'ecs.task.network.io.usage.tx_bytes'],
  },
  {
    title: 'awsvpc: task traffic reported per container',
    why: "On awsvpc a container has no network namespace of its own; the receiver reports the whole task ENI traffic as each container's. Ours reports container network I/O only on bridge networking.",
    scenarios: ['fargate-stopped-container', ...AWSVPC_ALIGNED],
    metrics: ['container.network.io.usage.rx_bytes', 'container.network.io.usage.tx_bytes'],
  },
  {
    title: 'task "CPU utilized" in CPU units',
    why: 'When the task has a CPU reservation, the receiver sets the task cpu.utilized to vCPU used × 1024: CPU units, not a percentage. Ours, shown × 100, is the percentage of one vCPU (our utilization ratio divides by the task limit instead).',
    scenarios: [CGROUP_V2[0]!, alignedLabel('ec2-awsvpc')],
    metrics: ['ecs.task.cpu.utilized'],
  },
  {
    title: 'container "CPU utilized" divided by CPU units',
    why: 'For a container with a CPU reservation the receiver divides its percentage by the reservation in CPU units (e.g. 2 or 10 shares), which is neither a percentage nor a ratio. Ours, shown × 100, is the percentage of one vCPU.',
    scenarios: [CGROUP_V2[0]!, alignedLabel('ec2-awsvpc')],
    metrics: ['container.cpu.utilized'],
  },
  {
    title: 'rate from an empty previous sample',
    why: 'Early Fargate answers have an all-zero `precpu_stats` and a zero `preread`. The receiver still divides the whole CPU time since the container started by (read − preread) and reports that as the current rate. Ours reports no CPU rate for such a sample.',
    scenarios: [alignedLabel('fargate-empty-precpu')],
    metrics: [
      'container.cpu.usage.vcpu',
      'container.cpu.utilized',
      'ecs.task.cpu.usage.vcpu',
      'ecs.task.cpu.utilized',
    ],
  },
  {
    title: 'cgroup v1: all page cache counted as free',
    why: 'The receiver subtracts `cache` (active and inactive page cache) from usage; ours subtracts only `total_inactive_file`, as the Docker CLI and the kubelet do, since active file pages are not readily reclaimable.',
    scenarios: [alignedLabel('fargate-empty-precpu')],
    metrics: ['container.memory.utilized', 'ecs.task.memory.utilized'],
  },
  {
    title: 'whole MiB per container',
    why: "The receiver rounds each container's memory.utilized down to whole MiB before summing them for the task; ours rounds the task total once.",
    scenarios: [alignedLabel('ec2-awsvpc')],
    metrics: ['ecs.task.memory.utilized'],
  },
  {
    title: 'task limits from partial reservations',
    why: "Without task-level Limits the receiver sums whatever container reservations exist (CPU units or MiB), so a task whose other containers have none looks capped at one container's share. Ours reports a task CPU limit only when every running container has a reservation, and a task memory limit from the containers' effective limits.",
    scenarios: ['ec2-bridge-3-containers', alignedLabel('ec2-awsvpc')],
    metrics: ['ecs.task.cpu.reserved', 'ecs.task.memory.reserved'],
  },
  {
    title: 'containers missing from /task',
    why: 'These AWS documentation examples took `/task` and `/task/stats` from different tasks: no DockerId is in both. The receiver reports only containers listed in `/task`, so it reports none and task totals of 0. Ours reports every container in `/task/stats` (named by its Docker name), as a container started after the last `/task` read would need. The "ids aligned" variants repeat these scenarios with the ids joined.',
    scenarios: UNJOINED,
    metrics: [
      'container.memory.usage',
      'container.memory.usage.max',
      'container.memory.usage.limit',
      'container.memory.utilized',
      'container.cpu.usage.total',
      'container.cpu.usage.vcpu',
      'container.cpu.utilized',
      'container.storage.read_bytes',
      'container.storage.write_bytes',
      'ecs.task.memory.usage',
      'ecs.task.memory.usage.limit',
      'ecs.task.memory.utilized',
      'ecs.task.memory.reserved',
      'ecs.task.cpu.usage.vcpu',
      'ecs.task.cpu.utilized',
      'ecs.task.cpu.reserved',
      'ecs.task.storage.read_bytes',
      'ecs.task.storage.write_bytes',
      'ecs.task.network.io.usage.rx_bytes',
      'ecs.task.network.io.usage.tx_bytes',
    ],
  },
  {
    title: 'absent reported as 0',
    why: 'The receiver writes 0 for what the endpoint does not give (no `networks`, no `EphemeralStorageMetrics`); ours reports no point, so a dashboard cannot mistake "unknown" for "zero".',
    scenarios: [CGROUP_V2[0]!, 'fargate-stopped-container', ...AWSVPC_ALIGNED, ...UNJOINED],
    metrics: [
      'container.network.io.usage.rx_bytes',
      'container.network.io.usage.tx_bytes',
      'ecs.task.network.io.usage.rx_bytes',
      'ecs.task.network.io.usage.tx_bytes',
      'ecs.task.ephemeral_storage.utilized',
      'ecs.task.ephemeral_storage.reserved',
    ],
  },
];

/** The cause that explains a difference, if one does. */
export function causeOf(difference: ComparedValue): DifferenceCause | undefined {
  return DIFFERENCE_CAUSES.find(
    (cause) =>
      cause.scenarios.includes(difference.scenario) &&
      cause.metrics.includes(difference.pair.receiver),
  );
}
