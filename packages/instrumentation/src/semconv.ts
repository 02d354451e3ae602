/*
 * Semantic-convention names used by this package. The container.* metrics and the attributes are still
 * "development" in OpenTelemetry semantic conventions, so they are copied here rather than imported from the
 * incubating entry point (which may change in any minor release). The aws.ecs.task.* metrics are this package's own.
 */

export const ATTR_CONTAINER_ID = 'container.id';
export const ATTR_CONTAINER_NAME = 'container.name';
export const ATTR_DISK_IO_DIRECTION = 'disk.io.direction';
export const ATTR_NETWORK_IO_DIRECTION = 'network.io.direction';

export const DISK_IO_DIRECTION_VALUE_READ = 'read';
export const DISK_IO_DIRECTION_VALUE_WRITE = 'write';
export const NETWORK_IO_DIRECTION_VALUE_RECEIVE = 'receive';
export const NETWORK_IO_DIRECTION_VALUE_TRANSMIT = 'transmit';

export const METRIC_CONTAINER_CPU_TIME = 'container.cpu.time';
export const METRIC_CONTAINER_CPU_USAGE = 'container.cpu.usage';
export const METRIC_CONTAINER_DISK_IO = 'container.disk.io';
export const METRIC_CONTAINER_MEMORY_USAGE = 'container.memory.usage';
export const METRIC_CONTAINER_MEMORY_WORKING_SET = 'container.memory.working_set';
export const METRIC_CONTAINER_NETWORK_IO = 'container.network.io';
export const METRIC_CONTAINER_UPTIME = 'container.uptime';

// Not (yet) in semantic conventions; named in the same style.
export const METRIC_CONTAINER_MEMORY_USAGE_MAX = 'container.memory.usage.max';
export const METRIC_CONTAINER_MEMORY_LIMIT = 'container.memory.limit';
export const METRIC_CONTAINER_MEMORY_UTILIZATION = 'container.memory.utilization';
export const METRIC_CONTAINER_CPU_UTILIZATION = 'container.cpu.utilization';

export const METRIC_TASK_MEMORY_USAGE = 'aws.ecs.task.memory.usage';
export const METRIC_TASK_MEMORY_WORKING_SET = 'aws.ecs.task.memory.working_set';
export const METRIC_TASK_MEMORY_LIMIT = 'aws.ecs.task.memory.limit';
export const METRIC_TASK_MEMORY_UTILIZATION = 'aws.ecs.task.memory.utilization';
export const METRIC_TASK_CPU_USAGE = 'aws.ecs.task.cpu.usage';
export const METRIC_TASK_CPU_LIMIT = 'aws.ecs.task.cpu.limit';
export const METRIC_TASK_CPU_UTILIZATION = 'aws.ecs.task.cpu.utilization';
export const METRIC_TASK_NETWORK_IO = 'aws.ecs.task.network.io';
export const METRIC_TASK_EPHEMERAL_STORAGE_USAGE = 'aws.ecs.task.ephemeral_storage.usage';
export const METRIC_TASK_EPHEMERAL_STORAGE_LIMIT = 'aws.ecs.task.ephemeral_storage.limit';

// Lifecycle, from `/task` (this package's own names). The status is a fixed set of states, one series each
// (1 for the current state, 0 for the others), as semantic conventions model k8s container states.
export const METRIC_CONTAINER_STATUS = 'aws.ecs.container.status';
export const ATTR_CONTAINER_STATUS = 'aws.ecs.container.known_status';
export const METRIC_CONTAINER_EXIT_CODE = 'aws.ecs.container.exit_code';
export const METRIC_CONTAINER_RESTART_COUNT = 'aws.ecs.container.restart.count';
export const METRIC_TASK_STARTUP_DURATION = 'aws.ecs.task.startup.duration';
export const METRIC_TASK_IMAGE_PULL_DURATION = 'aws.ecs.task.image_pull.duration';

// Phases of a batch job (`measure()`).
export const ATTR_PHASE_NAME = 'aws.ecs.phase.name';
export const ATTR_PHASE_PARENT = 'aws.ecs.phase.parent';
/** The semantic conventions' `error.type`: the error's class name or code, never its message. */
export const ATTR_ERROR_TYPE = 'error.type';
export const ERROR_TYPE_VALUE_OTHER = '_OTHER';
export const METRIC_PHASE_DURATION = 'aws.ecs.phase.duration';
export const METRIC_CONTAINER_MEMORY_USAGE_PEAK = 'container.memory.usage.peak';
export const METRIC_CONTAINER_MEMORY_WORKING_SET_PEAK = 'container.memory.working_set.peak';
export const METRIC_TASK_MEMORY_USAGE_PEAK = 'aws.ecs.task.memory.usage.peak';
export const METRIC_TASK_MEMORY_WORKING_SET_PEAK = 'aws.ecs.task.memory.working_set.peak';
