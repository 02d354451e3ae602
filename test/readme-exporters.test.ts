import { readFileSync } from 'node:fs';
import { listMetricNameRules, toCloudWatchUnit } from '@ecs-task-metrics/cloudwatch-mapping';
import { describe, expect, it } from 'vitest';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const cells = (line: string) =>
  line
    .trim()
    .replace(/^\||\|$/g, '')
    .split('|')
    .map((c) => c.trim());
const tableRows = README.split('\n')
  .filter((l) => l.startsWith('|'))
  .map(cells);

describe('README exporter sections', () => {
  it('document every row of the container-insights preset', () => {
    for (const rule of listMetricNameRules('container-insights')) {
      const attribute = rule.attributeValue ? `\`${rule.attribute}=${rule.attributeValue}\`` : '';
      const row = tableRows.find(
        (r) => r[0] === `\`${rule.metric}\`` && r[1] === attribute && r[2] === `\`${rule.name}\``,
      );
      expect(row, rule.name).toBeDefined();
      expect(row![3], rule.name).toBe(rule.unit);
    }
  });

  it('document the unit mapping the code applies', () => {
    for (const [ucum, unit] of [
      ['By', 'Bytes'],
      ['By/s', 'Bytes/Second'],
      ['s', 'Seconds'],
      ['ms', 'Milliseconds'],
    ]) {
      expect(toCloudWatchUnit(ucum!)).toBe(unit);
      expect(README).toContain(`\`${ucum}\` → \`${unit}\``);
    }
  });
});
