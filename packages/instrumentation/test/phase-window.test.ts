import { describe, expect, it } from 'vitest';
import { expectedNextSample, isFresh, readTimes } from '../src/fresh-sample.js';
import { PhaseWindow } from '../src/phase-window.js';
import { errorType } from '../src/phases.js';
import type { ContainerMetrics, TaskSnapshot } from '../src/types.js';

const MB = 1024 * 1024;
const START = 1_700_000_000_000;

function snapshot(containers: Array<Partial<ContainerMetrics> & { id: string }>): TaskSnapshot {
  const full = containers.map((c) => ({ name: c.id, ...c }));
  return {
    containers: full,
    task: {
      memoryUsage: full.reduce((s, c) => s + (c.memoryUsage ?? 0), 0),
      memoryWorkingSet: full.reduce((s, c) => s + (c.memoryWorkingSet ?? 0), 0),
    },
  };
}

describe('PhaseWindow', () => {
  it("takes the kernel's mark when it rose during the phase, even if no reading saw the peak", () => {
    const w = new PhaseWindow(START, () => undefined);
    w.addCgroupReading({ usage: 100 * MB, workingSet: 90 * MB, peak: 120 * MB });
    w.addCgroupReading({ usage: 110 * MB, workingSet: 95 * MB, peak: 400 * MB });
    const peaks = w.peaks();
    expect(peaks.container.usagePeak).toBe(400 * MB);
    expect(peaks.container.usagePeakSource).toBe('kernel');
    expect(peaks.container.sampledUsagePeak).toBe(110 * MB);
    expect(peaks.container.workingSetPeak).toBe(95 * MB);
    expect(peaks.container.cgroupReadings).toBe(2);
  });

  it('falls back to the highest reading when the mark did not rise (an earlier phase was higher)', () => {
    const w = new PhaseWindow(START, () => undefined);
    w.addCgroupReading({ usage: 100 * MB, workingSet: 90 * MB, peak: 500 * MB });
    w.addCgroupReading({ usage: 300 * MB, workingSet: 280 * MB, peak: 500 * MB });
    w.addCgroupReading({ usage: 150 * MB, workingSet: 140 * MB, peak: 500 * MB });
    expect(w.peaks().container).toMatchObject({
      usagePeak: 300 * MB,
      usagePeakSource: 'cgroup-sampled',
      workingSetPeak: 280 * MB,
    });
  });

  it('counts agent samples only when taken during the phase', () => {
    const w = new PhaseWindow(START, () => undefined);
    const before = snapshot([
      { id: 'own', readAt: START - 1, memoryUsage: 900 * MB, memoryWorkingSet: 900 * MB },
    ]);
    const during = snapshot([
      { id: 'own', readAt: START + 5, memoryUsage: 200 * MB, memoryWorkingSet: 150 * MB },
      { id: 'side', readAt: START + 5, memoryUsage: 50 * MB, memoryWorkingSet: 40 * MB },
    ]);
    w.addSnapshot(before, 'own');
    w.addSnapshot(during, 'own');
    const peaks = w.peaks();
    expect(peaks.container).toMatchObject({
      usagePeak: 200 * MB,
      usagePeakSource: 'agent',
      workingSetPeak: 150 * MB,
      agentSamples: 1,
    });
    expect(peaks.task).toEqual({ usagePeak: 250 * MB, workingSetPeak: 190 * MB });
  });

  it("task peak adds the other containers' last sample to each own reading", () => {
    const others = { usage: 64 * MB, workingSet: 32 * MB };
    const w = new PhaseWindow(START, () => others);
    w.addCgroupReading({ usage: 100 * MB, workingSet: 80 * MB, peak: 100 * MB });
    w.addCgroupReading({ usage: 180 * MB, workingSet: 170 * MB, peak: 300 * MB });
    expect(w.peaks().task).toEqual({
      usagePeak: 300 * MB + others.usage,
      workingSetPeak: 170 * MB + others.workingSet,
    });
  });

  it('has no peak without any source', () => {
    const peaks = new PhaseWindow(START, () => undefined).peaks();
    expect(peaks.container.usagePeak).toBeUndefined();
    expect(peaks.task).toEqual({ usagePeak: undefined, workingSetPeak: undefined });
  });
});

describe('fresh samples', () => {
  const base = snapshot([
    { id: 'a', readAt: 10_000, prereadAt: 9_000 },
    { id: 'b', readAt: 10_010, prereadAt: 9_010 },
  ]);

  it('is fresh only when every container still running has a later read', () => {
    const baseline = readTimes(base);
    expect(isFresh(baseline, base)).toBe(false);
    const half = snapshot([
      { id: 'a', readAt: 11_000 },
      { id: 'b', readAt: 10_010 },
    ]);
    expect(isFresh(baseline, half)).toBe(false);
    const both = snapshot([
      { id: 'a', readAt: 11_000 },
      { id: 'b', readAt: 11_010 },
    ]);
    expect(isFresh(baseline, both)).toBe(true);
    // A container that stopped has no sample to wait for.
    expect(isFresh(baseline, snapshot([{ id: 'a', readAt: 11_000 }]))).toBe(true);
  });

  it('expects the next sample one agent interval (read - preread) after the newest', () => {
    expect(expectedNextSample(base)).toBe(10_010 + (10_010 - 9_010));
    expect(expectedNextSample(snapshot([{ id: 'a', readAt: 1 }]))).toBeUndefined();
  });
});

describe('errorType', () => {
  it('is a code or class name, never a message', () => {
    expect(errorType(new TypeError('x is not a function'))).toBe('TypeError');
    expect(errorType(Object.assign(new Error('open /data/x'), { code: 'ENOENT' }))).toBe('ENOENT');
    expect(errorType('a string thrown with a message')).toBe('_OTHER');
    expect(errorType(undefined)).toBe('_OTHER');
    class ScoringFailed extends Error {
      override name = 'ScoringFailed';
    }
    expect(errorType(new ScoringFailed('row 17'))).toBe('ScoringFailed');
  });
});
