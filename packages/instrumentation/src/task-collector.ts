/*
 * One collection = one GET of `/task/stats`. The `/task` document is cached: read at the first collection,
 * again when the set of running containers changes, and otherwise at most every `taskMetadataMaxAgeMs`.
 */
import type { ResolvedConfig } from './config.js';
import type { ThrottledDiag } from './diagnostics.js';
import { computeSnapshot, PeakTracker, runningContainerIds } from './snapshot.js';
import { type TmdsClient, TmdsError } from './tmds-client.js';
import type { CollectionFailure, TaskSnapshot, TmdsTaskMetadata, TmdsTaskStats } from './types.js';

export const TASK_STATS_PATH = '/task/stats';
export const TASK_PATH = '/task';
/** The container metadata document of the container the endpoint belongs to (this process's). */
export const CONTAINER_PATH = '';

/** The container this process runs in, from the container metadata document. */
export interface OwnContainer {
  id: string;
  name: string;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export class TaskCollector {
  private readonly _peaks = new PeakTracker();
  private _task: TmdsTaskMetadata | undefined;
  private _taskReadAt = Number.NEGATIVE_INFINITY;
  private _taskSignature = '';
  private _inflight: Promise<TaskSnapshot> | undefined;
  private _last: TaskSnapshot | undefined;
  private _own: Promise<OwnContainer | undefined> | undefined;
  /** Called with every snapshot computed (phases fold them into their peaks). */
  onSnapshot: ((snapshot: TaskSnapshot) => void) | undefined;

  constructor(
    private readonly _client: TmdsClient,
    private readonly _config: Pick<ResolvedConfig, 'now' | 'taskMetadataMaxAgeMs'>,
    private readonly _diag: ThrottledDiag,
    /** Told of every failed read, once per shared collection (the self-metrics count them). */
    private readonly _onError: (failure: CollectionFailure) => void = () => {},
  ) {}

  /** The last `/task` document read, if any. */
  get taskMetadata(): TmdsTaskMetadata | undefined {
    return this._task;
  }

  /** The last snapshot computed, if any. */
  get lastSnapshot(): TaskSnapshot | undefined {
    return this._last;
  }

  /**
   * This process's container (`DockerId`, `Name`), read once from the container metadata document and kept:
   * a container's identity never changes. Undefined when that document cannot be read (retried next time).
   */
  ownContainer(): Promise<OwnContainer | undefined> {
    if (!this._own) {
      this._own = this._client.get(CONTAINER_PATH).then(
        (doc) => {
          const c = isObject(doc) ? doc : {};
          if (typeof c.DockerId === 'string' && typeof c.Name === 'string') {
            return { id: c.DockerId, name: c.Name };
          }
          this._own = undefined;
          return undefined;
        },
        (err: Error) => {
          this._own = undefined;
          this._diag.warn('container', `could not read the container metadata: ${err.message}`);
          return undefined;
        },
      );
    }
    return this._own;
  }

  /** Reads the endpoint and computes a snapshot; concurrent calls share one collection. Throws a TmdsError. */
  collect(): Promise<TaskSnapshot> {
    if (!this._inflight) {
      this._inflight = this._collect()
        .catch((err: unknown) => {
          if (err instanceof TmdsError) this._onError(err);
          throw err;
        })
        .finally(() => {
          this._inflight = undefined;
        });
    }
    return this._inflight;
  }

  private async _collect(): Promise<TaskSnapshot> {
    const raw = await this._client.get(TASK_STATS_PATH);
    if (!isObject(raw)) {
      throw new TmdsError(
        'malformed-response',
        TASK_STATS_PATH,
        `${TASK_STATS_PATH} is not an object`,
      );
    }
    const stats = raw as TmdsTaskStats;
    const ids = runningContainerIds(stats);
    const signature = ids.join(',');
    const now = this._config.now();
    // Checked here, not in an async function: the usual collection reads no /task and should not wait a tick.
    const fresh = now - this._taskReadAt < this._config.taskMetadataMaxAgeMs;
    if (!this._task || !fresh || signature !== this._taskSignature) {
      await this._refreshTask(signature, now);
    }
    const snapshot = computeSnapshot(this._task, stats, this._peaks, this._config.now(), ids);
    this._last = snapshot;
    this.onSnapshot?.(snapshot);
    return snapshot;
  }

  private async _refreshTask(signature: string, now: number): Promise<void> {
    try {
      const task = await this._client.get(TASK_PATH);
      if (!isObject(task)) {
        throw new TmdsError('malformed-response', TASK_PATH, `${TASK_PATH} is not an object`);
      }
      this._task = task as TmdsTaskMetadata;
      this._taskReadAt = now;
      this._taskSignature = signature;
      this._diag.clear('task');
    } catch (err) {
      // Stats alone still give usage; limits and names fall back until /task answers again.
      if (err instanceof TmdsError) this._onError(err);
      this._diag.warn('task', `could not refresh ${TASK_PATH}: ${(err as Error).message}`);
    }
  }
}
