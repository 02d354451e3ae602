import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';

/** The JSON Schema written from the EMF specification. */
export const EMF_SCHEMA = JSON.parse(
  readFileSync(new URL('./emf.schema.json', import.meta.url), 'utf8'),
);

const ajv = new Ajv({ allErrors: true, strict: true });
ajv.addSchema(EMF_SCHEMA);
const validateDocument = ajv.getSchema(EMF_SCHEMA.$id)!;
const validateMetricTarget = ajv.getSchema(`${EMF_SCHEMA.$id}#/definitions/metricTarget`)!;
const validateDimensionTarget = ajv.getSchema(`${EMF_SCHEMA.$id}#/definitions/dimensionTarget`)!;

type Json = Record<string, unknown>;
interface Directive {
  Namespace: string;
  Dimensions: string[][];
  Metrics: { Name: string; Unit?: string; StorageResolution?: number }[];
}

/** The units CloudWatch accepts (MetricDatum.Unit), from the schema. */
export const CLOUDWATCH_UNITS: readonly string[] =
  EMF_SCHEMA.definitions.metricDefinition.properties.Unit.enum;

/**
 * Every problem of one EMF line (or its parsed document): not one JSON object, the schema, and the rules between fields a
 * schema cannot express (each metric named in a directive is a valid metric value at the root,
 * each dimension key a string at the root, no member both, names unique within a directive,
 * Values and Counts of the same length).
 */
export function emfProblems(lineOrDocument: string | unknown): string[] {
  let document: Json;
  try {
    document = typeof lineOrDocument === 'string' ? JSON.parse(lineOrDocument) : lineOrDocument;
  } catch (error) {
    return [`not JSON: ${(error as Error).message}`];
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    return ['not a JSON object'];
  }
  if (!validateDocument(document)) {
    return (validateDocument.errors ?? []).map((e) => `schema: ${e.instancePath} ${e.message}`);
  }
  const problems: string[] = [];
  const directives = (document._aws as { CloudWatchMetrics: Directive[] }).CloudWatchMetrics;
  for (const directive of directives) {
    const metricNames = directive.Metrics.map((m) => m.Name);
    if (new Set(metricNames).size !== metricNames.length)
      problems.push('metric named twice in a directive');
    for (const name of metricNames) {
      if (!(name in document)) problems.push(`metric ${name} missing at the root`);
      else if (!validateMetricTarget(document[name]))
        problems.push(`metric ${name} is not a metric value`);
      const value = document[name] as { Values?: unknown[]; Counts?: unknown[] };
      if (value?.Values && value.Values.length !== value.Counts?.length) {
        problems.push(`metric ${name}: Values and Counts differ in length`);
      }
    }
    for (const key of directive.Dimensions.flat()) {
      if (!(key in document)) problems.push(`dimension ${key} missing at the root`);
      else if (!validateDimensionTarget(document[key]))
        problems.push(`dimension ${key} is not a string of 1-1024`);
      if (metricNames.includes(key)) problems.push(`${key} is both a dimension and a metric`);
    }
  }
  return problems;
}

/** A metric as CloudWatch extracts it from an EMF document. */
export interface ExtractedMetric {
  Namespace: string;
  MetricName: string;
  Unit: string;
  StorageResolution: number;
  Timestamp: number;
  Dimensions: { Name: string; Value: string }[];
  Value?: number;
  Values?: number[];
  Counts?: number[];
  StatisticValues?: { SampleCount: number; Sum: number; Minimum: number; Maximum: number };
}

/**
 * The metrics CloudWatch extracts from a valid document: one per metric per dimension set, unit
 * `None` and resolution 60 unless declared; an array is that many values of count 1; a
 * distribution is its values and counts, with SampleCount the sum of the counts.
 */
export function extractMetrics(line: string): ExtractedMetric[] {
  const document: Json = JSON.parse(line);
  const aws = document._aws as { Timestamp: number; CloudWatchMetrics: Directive[] };
  return aws.CloudWatchMetrics.flatMap((directive) =>
    directive.Dimensions.flatMap((set) =>
      directive.Metrics.map((definition): ExtractedMetric => {
        const target = document[definition.Name] as
          | number
          | number[]
          | { Values: number[]; Counts: number[]; Max: number; Min: number; Sum: number };
        const base = {
          Namespace: directive.Namespace,
          MetricName: definition.Name,
          Unit: definition.Unit ?? 'None',
          StorageResolution: definition.StorageResolution ?? 60,
          Timestamp: aws.Timestamp,
          Dimensions: set.map((Name) => ({ Name, Value: document[Name] as string })),
        };
        if (typeof target === 'number') return { ...base, Value: target };
        if (Array.isArray(target)) return { ...base, Values: target, Counts: target.map(() => 1) };
        return {
          ...base,
          Values: target.Values,
          Counts: target.Counts,
          StatisticValues: {
            SampleCount: target.Counts.reduce((a, c) => a + c, 0),
            Sum: target.Sum,
            Minimum: target.Min,
            Maximum: target.Max,
          },
        };
      }),
    ),
  );
}
