/*
 * Tables as text for the terminal and as Markdown for BENCHMARKS.md, from one representation.
 */
import type { Table } from './types.js';

function cell(value: string | number): string {
  if (typeof value === 'string') return value;
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  return value.toFixed(abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3);
}

function numeric(rows: Table['rows'], column: number): boolean {
  return rows.every((row) => typeof row[column] === 'number');
}

/** A fixed-width text table: numbers right-aligned, text left-aligned. */
export function formatTable(table: Table): string {
  const cells = table.rows.map((row) => row.map(cell));
  const widths = table.columns.map((title, i) =>
    Math.max(title.length, ...cells.map((row) => (row[i] ?? '').length)),
  );
  const right = table.columns.map((_, i) => numeric(table.rows, i));
  const line = (values: string[]) =>
    values
      .map((v, i) => (right[i] ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const out = [
    table.title,
    line(table.columns),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...cells.map(line),
    ...(table.notes ?? []).map((n) => `  ${n}`),
  ];
  return `${out.join('\n')}\n`;
}

/** The same table in GitHub Markdown, padded so that it also reads as plain text. */
export function markdownTable(table: Table): string {
  const right = table.columns.map((_, i) => numeric(table.rows, i));
  const cells = table.rows.map((r) => r.map(cell));
  const widths = table.columns.map((title, i) =>
    Math.max(3, title.length, ...cells.map((r) => (r[i] ?? '').length)),
  );
  const row = (values: string[]) =>
    `| ${values.map((v, i) => (right[i] ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (right[i] ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`;
  const out = [`**${table.title}**`, '', row(table.columns), rule, ...cells.map(row)];
  if (table.notes?.length) out.push('', ...table.notes);
  return `${out.join('\n')}\n`;
}
