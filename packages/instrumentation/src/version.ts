// Kept in step with package.json (a test checks it): the meter is named after the package and its version.
export const PACKAGE_NAME = '@ecs-task-metrics/instrumentation';
export const PACKAGE_VERSION = '0.1.0';
