/*
 * Host-app latency figures per fault, for docs/reliability.md. Written only when RELIABILITY_LATENCY_FILE names a
 * file (one JSON line per fault); the tests never assert on them.
 */
import { appendFileSync } from 'node:fs';
import { type LatencySummary, summarize } from './host-app.js';

export function reportLatency(fault: string, latencies: number[]): LatencySummary {
  const summary = summarize(latencies);
  const file = process.env.RELIABILITY_LATENCY_FILE;
  if (file) appendFileSync(file, `${JSON.stringify({ fault, ...summary })}\n`);
  return summary;
}
