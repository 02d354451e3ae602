/*
 * Samples this process's own memory cgroup on a short interval while at least one phase is open, so a peak
 * between two of the agent's samples (1 s on EC2, about 10 s on Fargate) is still seen. The timer is unref'd:
 * it never keeps the process alive.
 */
import type { DiagLogger } from '@opentelemetry/api';
import {
  CgroupMemoryReader,
  type CgroupMemoryReading,
  locateMemoryCgroup,
  type ReadTextFile,
} from './cgroup.js';

/** Something that wants every reading while it is open (a phase). */
export interface ReadingSink {
  addCgroupReading(reading: CgroupMemoryReading): void;
}

export interface OwnCgroupSamplerOptions {
  intervalMs: number;
  read: ReadTextFile;
  root: string;
  procFile: string;
  platform: NodeJS.Platform;
}

export class OwnCgroupSampler {
  private _reader: CgroupMemoryReader | null | undefined;
  private readonly _sinks = new Set<ReadingSink>();
  private _timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly _options: OwnCgroupSamplerOptions,
    private readonly _diag: DiagLogger,
  ) {}

  /** The reader of the own cgroup; located on first use, with one diagnostic when there is none. */
  get reader(): CgroupMemoryReader | undefined {
    if (this._reader === undefined) {
      const location =
        this._options.platform === 'linux' && this._options.intervalMs > 0
          ? locateMemoryCgroup(this._options)
          : undefined;
      this._reader = location ? new CgroupMemoryReader(location, this._options.read) : null;
      if (location) {
        this._diag.debug(`own memory cgroup: v${location.version} at ${location.dir}`);
      } else if (this._options.intervalMs > 0) {
        this._diag.info(
          'own memory cgroup not readable (not Linux, or no access): phase peaks come from the task metadata endpoint only',
        );
      }
    }
    return this._reader ?? undefined;
  }

  /** Reads the own cgroup now; undefined without one. */
  read(): CgroupMemoryReading | undefined {
    return this.reader?.read();
  }

  /** Feeds `sink` a reading now and on every tick until {@link close}. */
  open(sink: ReadingSink): void {
    const reading = this.read();
    if (!this.reader) return;
    this._sinks.add(sink);
    if (reading) sink.addCgroupReading(reading);
    if (!this._timer) {
      this._timer = setInterval(() => this._tick(), this._options.intervalMs);
      this._timer.unref();
    }
  }

  /** Stops feeding `sink`, after one last reading; returns that reading. */
  close(sink: ReadingSink): CgroupMemoryReading | undefined {
    if (!this._sinks.delete(sink)) return undefined;
    const reading = this.read();
    if (reading) sink.addCgroupReading(reading);
    if (this._sinks.size === 0) this.stop();
    return reading;
  }

  stop(): void {
    if (this._timer) clearInterval(this._timer);
    this._timer = undefined;
  }

  private _tick(): void {
    const reading = this.read();
    if (!reading) return;
    for (const sink of this._sinks) sink.addCgroupReading(reading);
  }
}
