import type { CloudWatchDatum } from '@ecs-task-metrics/cloudwatch-mapping';

/** EMF allows at most 100 metric definitions per directive and 100 values per array. */
export const MAX_METRICS_PER_DIRECTIVE = 100;
export const MAX_VALUES_PER_ARRAY = 100;

/** The metric definition of a directive. */
export interface EmfMetricDefinition {
  Name: string;
  Unit: string;
  StorageResolution?: 1;
}

/**
 * A metric value at the root: a number, or a distribution in the form the collector's `awsemf`
 * exporter writes for histograms (`Values`/`Counts` with the exact `Min`/`Max`/`Count`/`Sum`).
 */
export type EmfValue =
  | number
  | { Values: number[]; Counts: number[]; Max: number; Min: number; Count: number; Sum: number };

/** One EMF document: `_aws` metadata, dimension values and metric values at the root. */
export interface EmfDocument {
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: {
      Namespace: string;
      Dimensions: string[][];
      Metrics: EmfMetricDefinition[];
    }[];
  };
  [member: string]: unknown;
}

interface Group {
  timestamp: number;
  dimensions: CloudWatchDatum['Dimensions'];
  metrics: { definition: EmfMetricDefinition; value: EmfValue }[];
}

function emfValue(datum: CloudWatchDatum): EmfValue {
  if (datum.Values && datum.StatisticValues) {
    const s = datum.StatisticValues;
    return {
      Values: datum.Values,
      Counts: datum.Counts ?? datum.Values.map(() => 1),
      Max: s.Maximum,
      Min: s.Minimum,
      Count: s.SampleCount,
      Sum: s.Sum,
    };
  }
  return datum.Value ?? 0;
}

/**
 * Groups datums into EMF documents: one per timestamp and dimension set, a metric name at most
 * once per document (parts of a split histogram go to further documents), at most 100 metrics per
 * directive. A metric named like one of the dimensions, or `_aws`, cannot share the root with them
 * and is returned in `conflicts`.
 */
export function groupIntoDocuments(
  datums: readonly CloudWatchDatum[],
  namespace: string,
): { documents: EmfDocument[]; conflicts: CloudWatchDatum[] } {
  const groups = new Map<string, Group[]>();
  const conflicts: CloudWatchDatum[] = [];
  for (const datum of datums) {
    const names = datum.Dimensions.map((d) => d.Name);
    if (datum.MetricName === '_aws' || names.includes(datum.MetricName)) {
      conflicts.push(datum);
      continue;
    }
    const timestamp = datum.Timestamp.getTime();
    const key = JSON.stringify([timestamp, datum.Dimensions]);
    const candidates = groups.get(key) ?? [];
    groups.set(key, candidates);
    let group = candidates.find(
      (g) =>
        g.metrics.length < MAX_METRICS_PER_DIRECTIVE &&
        !g.metrics.some((m) => m.definition.Name === datum.MetricName),
    );
    if (!group) {
      group = { timestamp, dimensions: datum.Dimensions, metrics: [] };
      candidates.push(group);
    }
    group.metrics.push({
      definition: {
        Name: datum.MetricName,
        Unit: datum.Unit,
        ...(datum.StorageResolution ? { StorageResolution: datum.StorageResolution } : {}),
      },
      value: emfValue(datum),
    });
  }
  const documents = [...groups.values()].flat().map((g) => toDocument(g, namespace));
  return { documents, conflicts };
}

function toDocument(group: Group, namespace: string): EmfDocument {
  const document: EmfDocument = {
    _aws: {
      Timestamp: group.timestamp,
      CloudWatchMetrics: [
        {
          Namespace: namespace,
          Dimensions: [group.dimensions.map((d) => d.Name)],
          Metrics: group.metrics.map((m) => m.definition),
        },
      ],
    },
  };
  for (const d of group.dimensions) document[d.Name] = d.Value;
  for (const m of group.metrics) document[m.definition.Name] = m.value;
  return document;
}

/**
 * Serializes documents as lines no longer than `maxBytes`: a document over the limit is split by
 * halving its metrics. A single metric that still does not fit is returned in `oversized`.
 */
export function serializeDocuments(
  documents: readonly EmfDocument[],
  maxBytes: number,
): { lines: string[]; oversized: string[] } {
  const lines: string[] = [];
  const oversized: string[] = [];
  const visit = (document: EmfDocument) => {
    const line = JSON.stringify(document);
    if (Buffer.byteLength(line) <= maxBytes) {
      lines.push(line);
      return;
    }
    const directive = document._aws.CloudWatchMetrics[0]!;
    if (directive.Metrics.length <= 1) {
      oversized.push(directive.Metrics[0]?.Name ?? '?');
      return;
    }
    const middle = Math.ceil(directive.Metrics.length / 2);
    for (const part of [directive.Metrics.slice(0, middle), directive.Metrics.slice(middle)]) {
      visit(withMetrics(document, part));
    }
  };
  for (const document of documents) visit(document);
  return { lines, oversized };
}

function withMetrics(document: EmfDocument, metrics: EmfMetricDefinition[]): EmfDocument {
  const directive = document._aws.CloudWatchMetrics[0]!;
  const all = new Set(directive.Metrics.map((m) => m.Name));
  const part: EmfDocument = {
    _aws: { ...document._aws, CloudWatchMetrics: [{ ...directive, Metrics: metrics }] },
  };
  for (const [member, value] of Object.entries(document)) {
    if (member !== '_aws' && !all.has(member)) part[member] = value;
  }
  for (const m of metrics) part[m.Name] = document[m.Name];
  return part;
}
