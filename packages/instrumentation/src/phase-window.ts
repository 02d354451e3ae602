/*
 * The peaks of one phase, folded from every observation made while it was open:
 * - readings of the own cgroup (fast path), with the kernel's high-water mark at the start and at the end;
 * - the agent's samples, counted only when taken during the phase (`read` at or after its start): a sample
 *   taken before the phase says nothing about it.
 * Pure apart from its own state; the rules are in `docs/batch-jobs.md`.
 */
import type { CgroupMemoryReading } from './cgroup.js';
import type { PhasePeakSource, PhaseSummary, TaskSnapshot } from './types.js';

/** Memory of the task's other containers, from the latest agent sample (they are known at its resolution). */
export interface OthersMemory {
  usage: number;
  workingSet: number;
}

function max(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.max(a, b);
}

export class PhaseWindow {
  private _kernelPeakAtStart: number | undefined;
  private _kernelPeakAtEnd: number | undefined;
  private _sampledUsage: number | undefined;
  private _sampledWorkingSet: number | undefined;
  private _agentUsage: number | undefined;
  private _agentWorkingSet: number | undefined;
  private _taskUsage: number | undefined;
  private _taskWorkingSet: number | undefined;
  private _cgroupReadings = 0;
  private _agentSamples = 0;

  /**
   * @param startedAt epoch ms of the start
   * @param others the other containers' latest memory, when the own container is known among them
   */
  constructor(
    readonly startedAt: number,
    private readonly _others: () => OthersMemory | undefined,
  ) {}

  addCgroupReading(reading: CgroupMemoryReading): void {
    if (this._cgroupReadings === 0) this._kernelPeakAtStart = reading.peak;
    this._kernelPeakAtEnd = reading.peak;
    this._cgroupReadings++;
    this._sampledUsage = max(this._sampledUsage, reading.usage);
    this._sampledWorkingSet = max(this._sampledWorkingSet, reading.workingSet);
    const others = this._others();
    if (others) {
      this._taskUsage = max(this._taskUsage, reading.usage + others.usage);
      this._taskWorkingSet = max(this._taskWorkingSet, reading.workingSet + others.workingSet);
    }
  }

  /** An agent sample; ignored unless taken during the phase. */
  addSnapshot(snapshot: TaskSnapshot, ownId: string | undefined): void {
    const reads = snapshot.containers.map((c) => c.readAt ?? Number.NEGATIVE_INFINITY);
    if (reads.length === 0 || Math.max(...reads) < this.startedAt) return;
    this._agentSamples++;
    this._taskUsage = max(this._taskUsage, snapshot.task.memoryUsage);
    this._taskWorkingSet = max(this._taskWorkingSet, snapshot.task.memoryWorkingSet);
    const own = snapshot.containers.find((c) => c.id === ownId);
    if (own && (own.readAt ?? Number.NEGATIVE_INFINITY) >= this.startedAt) {
      this._agentUsage = max(this._agentUsage, own.memoryUsage);
      this._agentWorkingSet = max(this._agentWorkingSet, own.memoryWorkingSet);
    }
  }

  /** The phase's peaks. */
  peaks(): Pick<PhaseSummary, 'container' | 'task'> {
    const start = this._kernelPeakAtStart;
    const end = this._kernelPeakAtEnd;
    // The kernel's mark is a lifetime maximum: when it rose during the phase, the new mark was reached in it.
    const kernelRose = start !== undefined && end !== undefined && end > start;
    let usagePeak: number | undefined;
    let source: PhasePeakSource | undefined;
    if (kernelRose) {
      usagePeak = end;
      source = 'kernel';
    } else {
      usagePeak = max(this._sampledUsage, this._agentUsage);
      if (usagePeak !== undefined) {
        source = usagePeak === this._sampledUsage ? 'cgroup-sampled' : 'agent';
      }
    }
    let taskUsage = this._taskUsage;
    const others = this._others();
    if (kernelRose && others) taskUsage = max(taskUsage, (end as number) + others.usage);
    return {
      container: {
        usagePeak,
        usagePeakSource: source,
        workingSetPeak: max(this._sampledWorkingSet, this._agentWorkingSet),
        sampledUsagePeak: this._sampledUsage,
        cgroupReadings: this._cgroupReadings,
        agentSamples: this._agentSamples,
      },
      task: { usagePeak: taskUsage, workingSetPeak: this._taskWorkingSet },
    };
  }
}
