import type { MetricNamePreset } from '@ecs-task-metrics/cloudwatch-mapping';
import type { CloudWatchMetricExporterOptions } from '@ecs-task-metrics/exporter-cloudwatch';
import type { EmfMetricExporterOptions } from '@ecs-task-metrics/exporter-emf';
import type { OtlpMetricExporterOptions } from '@ecs-task-metrics/exporter-otlp';
import type {
  EcsTaskMetricsInstrumentation,
  EcsTaskMetricsInstrumentationConfig,
  TaskSnapshot,
} from '@ecs-task-metrics/instrumentation';
import type { MeterProvider as ApiMeterProvider } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { MeterProvider, PushMetricExporter } from '@opentelemetry/sdk-metrics';

/**
 * Where the metrics go:
 * - `otlp`: OTLP/HTTP (JSON) to a collector, e.g. the ADOT sidecar (`OTEL_EXPORTER_OTLP_*` apply);
 * - `cloudwatch`: straight to CloudWatch with `PutMetricData` (`@ecs-task-metrics/exporter-cloudwatch`);
 * - `emf`: CloudWatch embedded metric format lines on stdout, which the `awslogs` driver ships
 *   (`@ecs-task-metrics/exporter-emf`);
 * - `console`: the OpenTelemetry console exporter, for diagnostics;
 * - `none`: no exporter; `collect()` still works.
 */
export type ExporterName = 'otlp' | 'cloudwatch' | 'emf' | 'console' | 'none';

/**
 * Options of {@link startEcsTaskMetrics}. Every field is optional; a field given here wins over its
 * environment variable, which wins over the default. The environment is read when `startEcsTaskMetrics`
 * is called, never at import time.
 */
export interface EcsTaskMetricsOptions {
  /**
   * The exporter, by name or as an instance of any `PushMetricExporter` (its temporality preference is kept).
   * Env `ECS_TASK_METRICS_EXPORTER`. Default `otlp`.
   */
  exporter?: ExporterName | PushMetricExporter;
  /** Time between two collections and exports, ms. Env `OTEL_METRIC_EXPORT_INTERVAL`. Default 60000. */
  exportIntervalMillis?: number;
  /**
   * Deadline of one export, ms; never more than the interval. Env `OTEL_METRIC_EXPORT_TIMEOUT`.
   * Default 30000.
   */
  exportTimeoutMillis?: number;
  /** CloudWatch namespace (`cloudwatch`, `emf`). Env `ECS_TASK_METRICS_NAMESPACE`. Default `ECSTaskMetrics`. */
  namespace?: string;
  /** CloudWatch metric names (`cloudwatch`, `emf`). Env `ECS_TASK_METRICS_METRIC_NAMES`. Default `opentelemetry`. */
  metricNames?: MetricNamePreset;
  /**
   * Signals on which the last collection is exported before the process goes on with its own handling;
   * `[]` turns the hooks off (then call `shutdown()` yourself). Env `ECS_TASK_METRICS_SHUTDOWN_SIGNALS`
   * (comma-separated, or `none`). Default `['SIGTERM', 'SIGINT']`.
   */
  shutdownSignals?: NodeJS.Signals[];
  /**
   * Longest wait for the last export on a signal, ms, so the process is gone before ECS's SIGKILL
   * (`stopTimeout`, 30 s by default). Env `ECS_TASK_METRICS_SHUTDOWN_TIMEOUT`. Default 10000.
   */
  shutdownTimeoutMillis?: number;
  /**
   * Options of the ECS task metrics instrumentation (`endpoint`, `timeoutMs`, `flushTimeoutMs`...). The endpoint
   * defaults to `ECS_CONTAINER_METADATA_URI_V4`; `flushTimeoutMs`, the longest wait of `shutdown()` for the
   * agent's next sample, to `ECS_TASK_METRICS_FLUSH_TIMEOUT`, else 12000.
   */
  instrumentation?: Omit<EcsTaskMetricsInstrumentationConfig, 'enabled'>;
  /**
   * Attributes merged over the detected resource. The resource is the SDK's default (service name from
   * `OTEL_SERVICE_NAME`, `OTEL_RESOURCE_ATTRIBUTES`) plus what `awsEcsDetector` finds (cluster, task, family,
   * revision, launch type, zone, region, account).
   */
  resource?: Resource;
  /**
   * Options of the OTLP exporter (`url`, `headers`, `timeoutMillis`, `temporalityPreference`); the
   * `OTEL_EXPORTER_OTLP_*` variables apply to what is not set. Temporality: DELTA by default.
   */
  otlp?: OtlpMetricExporterOptions;
  /** More options of the CloudWatch exporter (e.g. `clientConfig`, `resourceDimensions`); they win over the above. */
  cloudwatch?: CloudWatchMetricExporterOptions;
  /** More options of the EMF exporter (e.g. `stream`, `resourceDimensions`); they win over the above. */
  emf?: EmfMetricExporterOptions;
  /**
   * The environment to read this package's variables from. Default `process.env`. (The OTLP exporter and the
   * resource detectors read `process.env` themselves.)
   */
  env?: NodeJS.ProcessEnv;
}

/** What {@link startEcsTaskMetrics} and {@link addEcsTaskMetrics} return. */
export interface EcsTaskMetricsHandle {
  /** The provider the instruments are on: the one built by `startEcsTaskMetrics`, or the one given. */
  readonly meterProvider: MeterProvider | ApiMeterProvider;
  /** The instrumentation feeding the instruments. */
  readonly instrumentation: EcsTaskMetricsInstrumentation;
  /** Reads the endpoint once and returns the numbers (no export); rejects with the cause on failure. */
  collect(): Promise<TaskSnapshot>;
  /** Collects and exports now, and waits for the exporter. */
  forceFlush(): Promise<void>;
  /**
   * Stops: removes the signal hooks, waits (bounded by the instrumentation's `flushTimeoutMs`) for the agent's
   * next sample, exports it and shuts the exporter down (a provider given to `addEcsTaskMetrics` is only
   * flushed; it belongs to the app). Runs by itself on `beforeExit`. Safe to call more than once.
   */
  shutdown(): Promise<void>;
}

/** Options of {@link addEcsTaskMetrics}. */
export interface AddEcsTaskMetricsOptions {
  /** The app's provider (e.g. the one `NodeSDK` registered). Default: the global one from `@opentelemetry/api`. */
  meterProvider?: ApiMeterProvider;
  /** As in {@link EcsTaskMetricsOptions.instrumentation}. */
  instrumentation?: Omit<EcsTaskMetricsInstrumentationConfig, 'enabled'>;
  /** As in {@link EcsTaskMetricsOptions.shutdownSignals}; the app's provider is flushed, not shut down. */
  shutdownSignals?: NodeJS.Signals[];
  /** As in {@link EcsTaskMetricsOptions.shutdownTimeoutMillis}. */
  shutdownTimeoutMillis?: number;
  /** The environment to read. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
}
