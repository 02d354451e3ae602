// The CloudWatch embedded metric format (EMF) specification as a JSON schema, plus the checks a schema cannot
// express (every referenced member exists at the root; metric values are numbers).
import { Ajv } from 'ajv';

/** The units CloudWatch accepts (MetricDatum.Unit). */
export const CLOUDWATCH_UNITS = [
  'Seconds',
  'Microseconds',
  'Milliseconds',
  'Bytes',
  'Kilobytes',
  'Megabytes',
  'Gigabytes',
  'Terabytes',
  'Bits',
  'Kilobits',
  'Megabits',
  'Gigabits',
  'Terabits',
  'Percent',
  'Count',
  'Bytes/Second',
  'Kilobytes/Second',
  'Megabytes/Second',
  'Gigabytes/Second',
  'Terabytes/Second',
  'Bits/Second',
  'Kilobits/Second',
  'Megabits/Second',
  'Gigabits/Second',
  'Terabits/Second',
  'Count/Second',
  'None',
] as const;

const EMF_SCHEMA = {
  type: 'object',
  required: ['_aws'],
  properties: {
    _aws: {
      type: 'object',
      required: ['Timestamp', 'CloudWatchMetrics'],
      properties: {
        Timestamp: { type: 'integer', minimum: 0 },
        CloudWatchMetrics: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            required: ['Namespace', 'Dimensions', 'Metrics'],
            properties: {
              Namespace: { type: 'string', minLength: 1, maxLength: 1024, pattern: '^[^:]+$' },
              Dimensions: {
                type: 'array',
                items: {
                  type: 'array',
                  maxItems: 30,
                  items: { type: 'string', minLength: 1, maxLength: 250 },
                },
              },
              Metrics: {
                type: 'array',
                minItems: 1,
                maxItems: 100,
                items: {
                  type: 'object',
                  required: ['Name'],
                  properties: {
                    Name: { type: 'string', minLength: 1, maxLength: 1024 },
                    Unit: { enum: CLOUDWATCH_UNITS },
                    StorageResolution: { enum: [1, 60] },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
} as const;

export interface EmfMetricDirective {
  Namespace: string;
  Dimensions: string[][];
  Metrics: Array<{ Name: string; Unit?: string; StorageResolution?: number }>;
}

export interface EmfEvent {
  _aws: { Timestamp: number; CloudWatchMetrics: EmfMetricDirective[] };
  [member: string]: unknown;
}

const validateSchema = new Ajv({ allErrors: true }).compile(EMF_SCHEMA);

/** The reasons `event` is not valid EMF; empty when it is. */
export function emfErrors(event: unknown): string[] {
  if (!validateSchema(event)) {
    return (validateSchema.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
  }
  const errors: string[] = [];
  const emf = event as EmfEvent;
  for (const directive of emf._aws.CloudWatchMetrics) {
    for (const dimension of directive.Dimensions.flat()) {
      if (typeof emf[dimension] !== 'string')
        errors.push(`dimension ${dimension} is not a string member`);
    }
    for (const metric of directive.Metrics) {
      const value = emf[metric.Name];
      const values = Array.isArray(value) ? value : [value];
      if (
        values.length === 0 ||
        !values.every((v) => typeof v === 'number' && Number.isFinite(v))
      ) {
        errors.push(`metric ${metric.Name} has no numeric value`);
      }
    }
  }
  return errors;
}
