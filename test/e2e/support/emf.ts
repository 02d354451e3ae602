// EMF checks for the end-to-end suite: the one validator of the repository (the JSON schema written from the
// embedded metric format specification, plus the rules between fields), shared with the exporter tests.
import { emfProblems } from '../../support/emf-validation.js';

export { CLOUDWATCH_UNITS } from '../../support/emf-validation.js';

export interface EmfMetricDirective {
  Namespace: string;
  Dimensions: string[][];
  Metrics: Array<{ Name: string; Unit?: string; StorageResolution?: number }>;
}

export interface EmfEvent {
  _aws: { Timestamp: number; CloudWatchMetrics: EmfMetricDirective[] };
  [member: string]: unknown;
}

/** The reasons `event` is not valid EMF; empty when it is. */
export function emfErrors(event: unknown): string[] {
  return emfProblems(event);
}
