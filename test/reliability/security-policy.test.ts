/*
 * The least-privilege IAM policies in SECURITY.md, kept in step with what the code and the shipped collector
 * configuration actually write: the namespace of PutMetricData and the log group of the EMF events.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readShippedEmfConfig } from '../e2e/support/shipped-config.js';

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string>>;
}

const text = readFileSync(new URL('../../SECURITY.md', import.meta.url), 'utf8');
const policies = [...text.matchAll(/```json\n([\s\S]*?)```/g)].map(
  (m) => JSON.parse(m[1]!) as { Statement: Statement[] },
);
const list = (v: string | string[]) => (Array.isArray(v) ? v : [v]);
const actionsOf = (p: { Statement: Statement[] }) => p.Statement.flatMap((s) => list(s.Action));
const emf = readShippedEmfConfig();

describe('SECURITY.md IAM policies', () => {
  it('has the PutMetricData and the collector policies, allow-only, with no wildcard action', () => {
    expect(policies).toHaveLength(2);
    for (const policy of policies) {
      for (const s of policy.Statement) expect(s.Effect).toBe('Allow');
      for (const action of actionsOf(policy)) expect(action).not.toMatch(/\*/);
    }
  });

  it('PutMetricData only, and only in the namespace the exporters and the collector use', () => {
    const [put] = policies;
    expect(actionsOf(put!)).toEqual(['cloudwatch:PutMetricData']);
    const namespace = put!.Statement[0]!.Condition?.StringEquals?.['cloudwatch:namespace'];
    expect(namespace).toBe(emf.namespace);
  });

  it('CloudWatch Logs only, and writes only under the log group prefix of otel-collector.yaml', () => {
    const [, logs] = policies;
    expect(actionsOf(logs!).every((a) => a.startsWith('logs:'))).toBe(true);
    const prefix = emf.logGroupName.slice(0, emf.logGroupName.indexOf('{'));
    expect(prefix).toBe('/ecs/task-metrics/');
    for (const s of logs!.Statement) {
      const writes = list(s.Action).some((a) => a !== 'logs:DescribeLogGroups');
      if (!writes) continue;
      for (const resource of list(s.Resource)) {
        expect(resource.startsWith(`arn:aws:logs:*:*:log-group:${prefix}`), resource).toBe(true);
      }
    }
  });
});
