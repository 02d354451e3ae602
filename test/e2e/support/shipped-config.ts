// The repository's otel-collector.yaml, read the way the tests derive their expectations from it.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export const SHIPPED_CONFIG_PATH = new URL('../../../otel-collector.yaml', import.meta.url)
  .pathname;

export interface MetricDeclaration {
  dimensions: string[][];
  metric_name_selectors: string[];
}

export interface MetricDescriptor {
  metric_name: string;
  unit: string;
  overwrite?: boolean;
}

export interface ShippedEmfConfig {
  /** The namespace the config uses when its environment variable is unset. */
  namespace: string;
  logGroupName: string;
  logStreamName: string;
  declarations: MetricDeclaration[];
  descriptors: MetricDescriptor[];
}

/** `${env:NAME:-default}` -> default; anything else as is. */
function envDefault(value: string): string {
  return /^\$\{env:[A-Za-z0-9_]+:-(.*)\}$/.exec(value)?.[1] ?? value;
}

export function readShippedEmfConfig(): ShippedEmfConfig {
  const config = parse(readFileSync(SHIPPED_CONFIG_PATH, 'utf8'));
  const emf = config.exporters.awsemf;
  return {
    namespace: envDefault(emf.namespace),
    logGroupName: emf.log_group_name,
    logStreamName: emf.log_stream_name,
    declarations: emf.metric_declarations ?? [],
    descriptors: emf.metric_descriptors ?? [],
  };
}

/** The declarations whose selectors match `metricName` (awsemf treats selectors as regular expressions). */
export function declarationsFor(config: ShippedEmfConfig, metricName: string): MetricDeclaration[] {
  return config.declarations.filter((d) =>
    d.metric_name_selectors.some((selector) => new RegExp(selector).test(metricName)),
  );
}

/**
 * The CloudWatch unit awsemf writes for an OpenTelemetry unit: a metric descriptor when the metric has no unit or
 * the descriptor overwrites it, else awsemf's own mapping (documented in its README and `translateUnit`), else the
 * unit unchanged. '' means no unit (CloudWatch then stores None).
 */
export function expectedCloudWatchUnit(
  config: ShippedEmfConfig,
  metricName: string,
  otelUnit: string,
): string {
  const descriptor = config.descriptors.find((d) => d.metric_name === metricName);
  if (descriptor && (otelUnit === '' || descriptor.overwrite)) return descriptor.unit;
  const awsemfMapping: Record<string, string> = {
    '1': '',
    ns: '',
    ms: 'Milliseconds',
    s: 'Seconds',
    us: 'Microseconds',
    By: 'Bytes',
    bit: 'Bits',
  };
  return awsemfMapping[otelUnit] ?? otelUnit;
}
