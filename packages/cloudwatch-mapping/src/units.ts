import type { CloudWatchUnit } from './types.js';

// UCUM (the unit strings OpenTelemetry uses) -> CloudWatch. Decimal prefixes map to CloudWatch's
// prefixed units; anything else, including annotations like `{cpu}`, is `None`.
const UCUM_TO_CLOUDWATCH: Readonly<Record<string, CloudWatchUnit>> = {
  s: 'Seconds',
  ms: 'Milliseconds',
  us: 'Microseconds',
  By: 'Bytes',
  kBy: 'Kilobytes',
  MBy: 'Megabytes',
  GBy: 'Gigabytes',
  TBy: 'Terabytes',
  bit: 'Bits',
  kbit: 'Kilobits',
  Mbit: 'Megabits',
  Gbit: 'Gigabits',
  Tbit: 'Terabits',
  '%': 'Percent',
  'By/s': 'Bytes/Second',
  'kBy/s': 'Kilobytes/Second',
  'MBy/s': 'Megabytes/Second',
  'GBy/s': 'Gigabytes/Second',
  'TBy/s': 'Terabytes/Second',
  'bit/s': 'Bits/Second',
  'kbit/s': 'Kilobits/Second',
  'Mbit/s': 'Megabits/Second',
  'Gbit/s': 'Gigabits/Second',
  'Tbit/s': 'Terabits/Second',
};

/** The CloudWatch unit for a UCUM unit string; `1`, annotations and unknown units are `None`. */
export function toCloudWatchUnit(ucum: string): CloudWatchUnit {
  return UCUM_TO_CLOUDWATCH[ucum] ?? 'None';
}

/** True for a ratio metric (`*.utilization` with unit `1`) that may be scaled to percent. */
export function isUtilization(name: string, ucum: string): boolean {
  return ucum === '1' && name.endsWith('.utilization');
}
