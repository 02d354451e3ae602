import { readFileSync } from 'node:fs';
import { DEFAULTS, ENV } from '@ecs-task-metrics/node';
import { describe, expect, it } from 'vitest';

const README = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

/** The rows of the README's options table: option, environment variable(s), default, meaning. */
function optionRows(): string[][] {
  const section = README.split('### Options and environment variables')[1]!.split('\n### ')[0]!;
  return section
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| ---'))
    .slice(1)
    .map((line) =>
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
}

describe('README options table', () => {
  it('lists every environment variable the set-up reads, next to its option and default', () => {
    const rows = optionRows();
    for (const [option, variable] of Object.entries(ENV)) {
      const row = rows.find((r) => r[1]!.includes(`\`${variable}\``));
      expect(row, variable).toBeDefined();
      if (option in DEFAULTS) {
        const value = DEFAULTS[option as keyof typeof DEFAULTS];
        expect(row![0]).toBe(`\`${option}\``);
        expect(row![2]).toBe(`\`${Array.isArray(value) ? value.join(',') : value}\``);
      }
    }
  });
});
