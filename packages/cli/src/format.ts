import type { MetricPoint } from './points.js';

/** One JSON object per line: `{"name","unit","type","value","attributes"}`. */
export function formatJsonLines(points: MetricPoint[]): string {
  return points
    .map((p) =>
      JSON.stringify({
        name: p.name,
        unit: p.unit,
        type: p.type,
        value: p.value,
        attributes: p.attributes,
      }),
    )
    .join('\n')
    .concat(points.length > 0 ? '\n' : '');
}

const BINARY_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** A value in its unit, for people: bytes in binary units, ratios in percent. */
export function humanValue(value: number, unit: string): string {
  switch (unit) {
    case 'By': {
      let v = value;
      let i = 0;
      while (Math.abs(v) >= 1024 && i < BINARY_UNITS.length - 1) {
        v /= 1024;
        i++;
      }
      return i === 0 ? `${v} B` : `${v.toFixed(1)} ${BINARY_UNITS[i]}`;
    }
    case '1':
      return `${(value * 100).toFixed(1)} %`;
    case '{cpu}':
      return `${value.toFixed(3)} vCPU`;
    case 's':
      return `${value.toFixed(1)} s`;
    default:
      return `${value} ${unit}`;
  }
}

function describeAttributes(attributes: MetricPoint['attributes']): string {
  const name = attributes['container.name'];
  const rest = Object.entries(attributes)
    .filter(([k]) => k !== 'container.name' && k !== 'container.id')
    .map(([k, v]) => `${k.split('.').pop()}=${v}`);
  return [name === undefined ? 'task' : String(name), ...rest].join(' ');
}

/** Columns aligned on the widest cell, two spaces apart; the last column is not padded. */
export function alignColumns(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return `${[header, ...rows].map(line).join('\n')}\n`;
}

/** An aligned table: metric, scope (task or container name) and attributes, value. */
export function formatTable(points: MetricPoint[]): string {
  const rows = points.map((p) => [
    p.name,
    describeAttributes(p.attributes),
    humanValue(p.value, p.unit),
  ]);
  return alignColumns(['METRIC', 'OF', 'VALUE'], rows);
}
