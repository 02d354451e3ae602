/*
 * Load on demand, so the metrics have something to show: memory that is really resident (every page written),
 * and CPU burnt in slices so the server keeps answering meanwhile.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';

export const MIB = 1024 * 1024;
export const LIMITS = {
  maxMemoryMb: 4096,
  maxHoldMs: 10 * 60_000,
  defaultHoldMs: 30_000,
  maxCpuMs: 60_000,
  defaultCpuMs: 2_000,
} as const;
/** Longest busy slice before the event loop gets a turn. */
const CPU_SLICE_MS = 50;

/** Memory held by `/work/memory` until its timer releases it. */
export class MemoryHolder {
  private readonly _held = new Set<Buffer>();

  /** Bytes currently held. */
  get heldBytes(): number {
    let total = 0;
    for (const b of this._held) total += b.length;
    return total;
  }

  /** Allocates `mb` MiB, writes every page (so it is resident, not just reserved) and frees it after `ms`. */
  hold(mb: number, ms: number): void {
    const buffer = Buffer.alloc(mb * MIB, 1);
    this._held.add(buffer);
    // unref: held memory never keeps a stopping process alive.
    setTimeout(() => this._held.delete(buffer), ms).unref();
  }

  releaseAll(): void {
    this._held.clear();
  }
}

/** Keeps one CPU busy for `ms`, yielding to the event loop between slices. Resolves with the busy time. */
export async function burnCpu(ms: number, now: () => number = performance.now.bind(performance)) {
  const end = now() + ms;
  let busy = 0;
  let sink = 0;
  while (now() < end) {
    const sliceStart = now();
    const sliceEnd = Math.min(end, sliceStart + CPU_SLICE_MS);
    while (now() < sliceEnd) sink = (sink + Math.sqrt(sink + 1)) % 1e9;
    busy += now() - sliceStart;
    await nextTurn();
  }
  return { busyMs: Math.round(busy), sink };
}

/** An integer query parameter within [min, max], the default when absent; undefined when invalid. */
export function intParam(
  value: unknown,
  { min, max, fallback }: { min: number; max: number; fallback?: number },
): number | undefined {
  if (value === undefined || value === '') return fallback;
  if (typeof value !== 'string' || !/^\d+$/.test(value)) return undefined;
  const n = Number(value);
  return n >= min && n <= max ? n : undefined;
}
