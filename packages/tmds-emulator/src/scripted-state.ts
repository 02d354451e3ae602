import {
  addToNumber,
  isRawJson,
  parseLossless,
  stringifyLossless,
  toNumber,
} from './lossless-json.js';
import type { Scenario } from './scenario.js';
import { addSeconds, ZERO_TIME } from './timestamps.js';
import type { EmulatorDeltas, EndpointPath, StopContainerOptions } from './types.js';

type JsonObject = Record<string, unknown>;

/** One container's stats entry inside a stats document (a key of `/task/stats`, or `/stats` itself). */
interface StatsSlot {
  readonly path: EndpointPath;
  /** DockerId: the key in task stats, the `id` of a single stats document. */
  readonly id: string;
  get(): unknown;
  set(entry: JsonObject): void;
  stopped: boolean;
  /** The last sample before a stop, brought back by a start. */
  saved?: JsonObject;
}

/** One container's metadata object (`/task` `Containers[]`, `/taskWithTags`, `/tasks`, or the container document). */
interface MetadataSlot {
  readonly path: EndpointPath;
  readonly container: JsonObject;
}

/** Default per-second amounts of `advance()` (documented in the README). */
export const DEFAULT_DELTAS: Readonly<EmulatorDeltas> = Object.freeze({
  cpuVcpu: 0.25,
  cpuVcpuByContainer: {},
  userModeShare: 0.8,
  rxBytesPerSecond: 2048,
  txBytesPerSecond: 1024,
  rxPacketsPerSecond: 20,
  txPacketsPerSecond: 10,
  blkioReadBytesPerSecond: 4096,
  blkioWriteBytesPerSecond: 8192,
  blkioReadOpsPerSecond: 1,
  blkioWriteOpsPerSecond: 2,
  restartCpuNanos: 50_000_000,
});

/**
 * The scenario's documents and the scripted changes to them. Documents are served as their original bytes until a
 * change touches them; then they are serialized compactly (as the agent does) with big numbers kept exact.
 */
export class ScriptedState {
  readonly deltas: EmulatorDeltas;
  private readonly originals: ReadonlyMap<EndpointPath, Buffer>;
  private readonly values = new Map<EndpointPath, unknown>();
  private readonly serialized = new Map<EndpointPath, string>();
  private readonly dirty = new Set<EndpointPath>();
  private readonly statsSlots: StatsSlot[] = [];
  private readonly metadataSlots: MetadataSlot[] = [];

  constructor(scenario: Scenario, deltas: Partial<EmulatorDeltas> = {}) {
    this.deltas = {
      ...DEFAULT_DELTAS,
      ...deltas,
      cpuVcpuByContainer: { ...deltas.cpuVcpuByContainer },
    };
    this.originals = scenario.files;
    for (const [path, bytes] of scenario.files) {
      this.values.set(path, parseLossless(bytes.toString('utf8')));
    }
    this.collectSlots();
  }

  /** Body of an endpoint: the fixture bytes while untouched, else the serialized document; undefined if absent. */
  body(path: EndpointPath): Buffer | string | undefined {
    if (!this.dirty.has(path)) return this.originals.get(path);
    let text = this.serialized.get(path);
    if (text === undefined) {
      text = stringifyLossless(this.values.get(path));
      this.serialized.set(path, text);
    }
    return text;
  }

  /** DockerId of `/stats` when that container is stopped (the agent then answers 500), else undefined. */
  stoppedSingleStatsId(): string | undefined {
    return this.statsSlots.find((slot) => slot.path === '/stats' && slot.stopped)?.id;
  }

  /** DockerId of the container document, else the first stats key. */
  defaultContainerId(): string | undefined {
    const container = asObject(this.values.get(''));
    if (typeof container?.DockerId === 'string') return container.DockerId;
    return this.statsSlots[0]?.id;
  }

  /** The task ARN of `/task`, if any. */
  taskArn(): string | undefined {
    const task = asObject(this.values.get('/task'));
    return typeof task?.TaskARN === 'string' ? task.TaskARN : undefined;
  }

  advance(seconds: number): void {
    if (!Number.isFinite(seconds) || seconds <= 0) {
      throw new RangeError(
        `tmds-emulator: advance() needs a positive number of seconds, got ${seconds}`,
      );
    }
    for (const slot of this.statsSlots) {
      const entry = runningEntry(slot);
      if (!entry) continue;
      advanceEntry(entry, seconds, this.cpuVcpuOf(slot.id), this.deltas);
      this.touch(slot.path);
    }
  }

  stopContainer(name: string, options: StopContainerOptions = {}): void {
    const ids = this.resolve(name);
    for (const slot of this.slotsOf(ids)) {
      if (slot.stopped) continue;
      const entry = asObject(slot.get());
      if (entry && Object.keys(entry).length > 0) slot.saved = entry;
      slot.stopped = true;
      // The agent answers `{}` for a stopped container in task stats; `/stats` itself becomes a 500.
      if (slot.path !== '/stats') slot.set({});
      this.touch(slot.path);
    }
    this.updateMetadata(ids, (container) => {
      container.KnownStatus = 'STOPPED';
      container.ExitCode = options.exitCode ?? 137;
    });
  }

  startContainer(name: string): void {
    const ids = this.resolve(name);
    for (const slot of this.slotsOf(ids)) {
      if (slot.stopped && slot.saved) {
        slot.set(slot.saved);
      } else if (!runningEntry(slot)) {
        slot.set(this.freshEntry(slot));
      }
      slot.stopped = false;
      slot.saved = undefined;
      this.touch(slot.path);
    }
    this.updateMetadata(ids, (container) => {
      container.KnownStatus = 'RUNNING';
      delete container.ExitCode;
    });
  }

  restartContainer(name: string): void {
    const ids = this.resolve(name);
    for (const slot of this.slotsOf(ids)) {
      const entry = slot.stopped && slot.saved ? slot.saved : runningEntry(slot);
      if (entry) {
        resetCounters(entry, this.deltas, this.isAwsvpc(slot.id));
        slot.set(entry);
      } else {
        slot.set(this.freshEntry(slot));
      }
      slot.stopped = false;
      slot.saved = undefined;
      this.touch(slot.path);
    }
    this.updateMetadata(ids, (container) => {
      container.KnownStatus = 'RUNNING';
      container.RestartCount = toNumber(container.RestartCount) + 1;
      delete container.ExitCode;
    });
  }

  setMemoryUsage(name: string, bytes: number): void {
    if (!Number.isSafeInteger(bytes) || bytes < 0) {
      throw new RangeError(
        `tmds-emulator: memory usage must be a non-negative integer, got ${bytes}`,
      );
    }
    for (const slot of this.slotsOf(this.resolve(name))) {
      const memory = asObject((slot.stopped ? slot.saved : asObject(slot.get()))?.memory_stats);
      if (!memory) continue;
      memory.usage = bytes;
      if ('max_usage' in memory && bytes > toNumber(memory.max_usage)) memory.max_usage = bytes;
      this.touch(slot.path);
    }
  }

  setCpuVcpu(name: string, vcpu: number): void {
    if (!Number.isFinite(vcpu) || vcpu < 0) {
      throw new RangeError(`tmds-emulator: vCPU must be a non-negative number, got ${vcpu}`);
    }
    this.resolve(name);
    this.deltas.cpuVcpuByContainer = { ...this.deltas.cpuVcpuByContainer, [name]: vcpu };
  }

  /** DockerIds a container name designates: stats `name`/`id`/key, metadata `Name`/`DockerName`/`DockerId`. */
  private resolve(name: string): Set<string> {
    const ids = new Set<string>();
    for (const slot of this.statsSlots) {
      const entry = asObject(slot.stopped ? slot.saved : slot.get());
      const names = [slot.id, entry?.id, entry?.name];
      if (typeof entry?.name === 'string') names.push(entry.name.replace(/^\//, ''));
      if (names.includes(name)) ids.add(slot.id);
    }
    for (const { container } of this.metadataSlots) {
      const names = [container.DockerId, container.Name, container.DockerName];
      if (names.includes(name) && typeof container.DockerId === 'string')
        ids.add(container.DockerId);
    }
    if (ids.size === 0) {
      throw new Error(`tmds-emulator: no container named '${name}' in this scenario`);
    }
    return ids;
  }

  private slotsOf(ids: Set<string>): StatsSlot[] {
    return this.statsSlots.filter((slot) => ids.has(slot.id));
  }

  private updateMetadata(ids: Set<string>, change: (container: JsonObject) => void): void {
    for (const slot of this.metadataSlots) {
      if (typeof slot.container.DockerId === 'string' && ids.has(slot.container.DockerId)) {
        change(slot.container);
        this.touch(slot.path);
      }
    }
  }

  private cpuVcpuOf(id: string): number {
    for (const [name, vcpu] of Object.entries(this.deltas.cpuVcpuByContainer)) {
      if (this.resolveQuietly(name).has(id)) return vcpu;
    }
    return this.deltas.cpuVcpu;
  }

  private resolveQuietly(name: string): Set<string> {
    try {
      return this.resolve(name);
    } catch {
      return new Set();
    }
  }

  /**
   * Whether a container shares the task ENI (awsvpc): its network counters are the task's, equal in every
   * container's entry, and survive a container restart.
   */
  private isAwsvpc(id: string): boolean {
    const own = this.metadataSlots.filter((slot) => slot.container.DockerId === id);
    const candidates = own.length > 0 ? own : this.metadataSlots;
    return candidates.some((slot) =>
      asArray(slot.container.Networks).some(
        (network) => asObject(network)?.NetworkMode === 'awsvpc',
      ),
    );
  }

  /** A first sample for a container the fixture never showed running, shaped like a running neighbour's. */
  private freshEntry(slot: StatsSlot): JsonObject {
    const template = this.statsSlots.map(runningEntry).find((entry) => entry !== undefined);
    if (!template) {
      throw new Error(
        `tmds-emulator: no running container to model a stats sample for ${slot.id} on`,
      );
    }
    const entry = cloneJson(template);
    const metadata = this.metadataSlots.find((m) => m.container.DockerId === slot.id)?.container;
    entry.id = slot.id;
    entry.name = metadata?.DockerName ?? metadata?.Name ?? slot.id;
    resetCounters(entry, this.deltas, this.isAwsvpc(slot.id));
    return entry;
  }

  private touch(path: EndpointPath): void {
    this.dirty.add(path);
    this.serialized.delete(path);
  }

  private collectSlots(): void {
    const addMap = (path: EndpointPath, map: JsonObject) => {
      for (const id of Object.keys(map)) {
        this.statsSlots.push({
          path,
          id,
          get: () => map[id],
          set: (entry) => {
            map[id] = entry;
          },
          stopped: false,
        });
      }
    };
    const taskStats = asObject(this.values.get('/task/stats'));
    if (taskStats) addMap('/task/stats', taskStats);
    for (const map of asArray(this.values.get('/tasks/stats'))) {
      const object = asObject(map);
      if (object) addMap('/tasks/stats', object);
    }
    const single = asObject(this.values.get('/stats'));
    if (single) {
      this.statsSlots.push({
        path: '/stats',
        id: typeof single.id === 'string' ? single.id : '',
        get: () => this.values.get('/stats'),
        set: (entry) => {
          this.values.set('/stats', entry);
        },
        stopped: false,
      });
    }

    const container = asObject(this.values.get(''));
    if (container) this.metadataSlots.push({ path: '', container });
    for (const path of ['/task', '/taskWithTags'] as const) {
      for (const c of asArray(asObject(this.values.get(path))?.Containers)) {
        const object = asObject(c);
        if (object) this.metadataSlots.push({ path, container: object });
      }
    }
    for (const task of asArray(this.values.get('/tasks'))) {
      for (const c of asArray(asObject(task)?.Containers)) {
        const object = asObject(c);
        if (object) this.metadataSlots.push({ path: '/tasks', container: object });
      }
    }
  }
}

function runningEntry(slot: StatsSlot): JsonObject | undefined {
  if (slot.stopped) return undefined;
  const entry = asObject(slot.get());
  return entry && Object.keys(entry).length > 0 ? entry : undefined;
}

/** One scripted step of a running container's sample (the formulas are documented in the README). */
function advanceEntry(
  entry: JsonObject,
  seconds: number,
  vcpu: number,
  deltas: EmulatorDeltas,
): void {
  if (typeof entry.read === 'string') {
    entry.preread = entry.read;
    entry.read = addSeconds(entry.read, seconds);
  }

  const cpu = asObject(entry.cpu_stats);
  if (cpu) {
    entry.precpu_stats = cloneJson(cpu);
    const onlineCpus = toNumber(cpu.online_cpus) || 1;
    const usage = asObject(cpu.cpu_usage);
    if (usage)
      addCpuTime(usage, Math.round(vcpu * seconds * 1e9), onlineCpus, deltas.userModeShare);
    if ('system_cpu_usage' in cpu) {
      cpu.system_cpu_usage = addToNumber(
        cpu.system_cpu_usage,
        Math.round(seconds * 1e9 * onlineCpus),
      );
    }
  }

  const networks = asObject(entry.networks);
  if (networks) {
    const rx = Math.round(deltas.rxBytesPerSecond * seconds);
    const tx = Math.round(deltas.txBytesPerSecond * seconds);
    const rxPackets = Math.round(deltas.rxPacketsPerSecond * seconds);
    const txPackets = Math.round(deltas.txPacketsPerSecond * seconds);
    const interfaces = Object.values(networks)
      .map(asObject)
      .filter((n) => n !== undefined);
    for (const network of interfaces) {
      addField(network, 'rx_bytes', rx);
      addField(network, 'tx_bytes', tx);
      addField(network, 'rx_packets', rxPackets);
      addField(network, 'tx_packets', txPackets);
    }
    const rates = asObject(entry.network_rate_stats);
    if (rates) {
      rates.rx_bytes_per_sec = (rx * interfaces.length) / seconds;
      rates.tx_bytes_per_sec = (tx * interfaces.length) / seconds;
    }
  }

  const blkio = asObject(entry.blkio_stats);
  if (blkio) {
    addBlkio(
      blkio.io_service_bytes_recursive,
      Math.round(deltas.blkioReadBytesPerSecond * seconds),
      Math.round(deltas.blkioWriteBytesPerSecond * seconds),
    );
    addBlkio(
      blkio.io_serviced_recursive,
      Math.round(deltas.blkioReadOpsPerSecond * seconds),
      Math.round(deltas.blkioWriteOpsPerSecond * seconds),
    );
  }
}

/**
 * Adds CPU time: `total_usage` by `nanos`, user/kernel mode split by `userModeShare`, and `percpu_usage` spread
 * evenly over the first `onlineCpus` entries (remainder on the first).
 */
function addCpuTime(
  usage: JsonObject,
  nanos: number,
  onlineCpus: number,
  userModeShare: number,
): void {
  addField(usage, 'total_usage', nanos);
  const user = Math.round(nanos * userModeShare);
  addField(usage, 'usage_in_usermode', user);
  addField(usage, 'usage_in_kernelmode', nanos - user);
  if (Array.isArray(usage.percpu_usage) && usage.percpu_usage.length > 0) {
    const percpu = usage.percpu_usage;
    const cpus = Math.min(onlineCpus, percpu.length);
    const share = Math.floor(nanos / cpus);
    for (let i = 0; i < cpus; i++) {
      percpu[i] = addToNumber(percpu[i], share + (i === 0 ? nanos - share * cpus : 0));
    }
  }
}

/** Adds reads and writes to the first device's `Read`/`Write` entries, and both to `Sync` and `Total`. */
function addBlkio(entries: unknown, read: number, write: number): void {
  const list = asArray(entries)
    .map(asObject)
    .filter((e) => e !== undefined);
  const first = list[0];
  if (!first) return;
  const amountByOp: Record<string, number> = {
    read,
    write,
    sync: read + write,
    total: read + write,
  };
  for (const item of list) {
    if (item.major !== first.major || item.minor !== first.minor) continue;
    const amount = typeof item.op === 'string' ? amountByOp[item.op.toLowerCase()] : undefined;
    if (amount !== undefined) addField(item, 'value', amount);
  }
}

/** A restarted container: new cgroup counters, first-sample `precpu_stats`, network reset unless awsvpc. */
function resetCounters(entry: JsonObject, deltas: EmulatorDeltas, awsvpc: boolean): void {
  if (typeof entry.read === 'string') entry.preread = ZERO_TIME;

  const cpu = asObject(entry.cpu_stats);
  if (cpu) {
    const usage = asObject(cpu.cpu_usage);
    if (usage) {
      zeroNumbers(usage);
      addCpuTime(
        usage,
        deltas.restartCpuNanos,
        toNumber(cpu.online_cpus) || 1,
        deltas.userModeShare,
      );
    }
    if (cpu.throttling_data !== undefined) zeroNumbers(cpu.throttling_data);
    // Docker's first sample: precpu all zero, without system_cpu_usage, online_cpus or percpu_usage.
    const precpu: JsonObject = {
      cpu_usage: { total_usage: 0, usage_in_kernelmode: 0, usage_in_usermode: 0 },
    };
    if (cpu.throttling_data !== undefined) precpu.throttling_data = cloneJson(cpu.throttling_data);
    entry.precpu_stats = precpu;
  }

  const memory = asObject(entry.memory_stats);
  if (memory && 'max_usage' in memory) memory.max_usage = memory.usage;

  const blkio = asObject(entry.blkio_stats);
  if (blkio) {
    for (const list of Object.values(blkio)) {
      for (const item of asArray(list)) {
        const object = asObject(item);
        if (object && 'value' in object) object.value = 0;
      }
    }
  }

  if (!awsvpc) {
    if (entry.networks !== undefined) zeroNumbers(entry.networks);
    if (entry.network_rate_stats !== undefined) zeroNumbers(entry.network_rate_stats);
  }
}

function addField(object: JsonObject, key: string, amount: number): void {
  if (key in object) object[key] = addToNumber(object[key], amount);
}

/** Sets every number below `value` to 0 (raw big numbers included). */
function zeroNumbers(value: unknown): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      if (typeof item === 'number' || isRawJson(item)) value[i] = 0;
      else zeroNumbers(item);
    });
    return;
  }
  const object = asObject(value);
  if (!object) return;
  for (const [key, item] of Object.entries(object)) {
    if (typeof item === 'number' || isRawJson(item)) object[key] = 0;
    else zeroNumbers(item);
  }
}

/** Deep copy that keeps raw big numbers (immutable) by reference. */
function cloneJson<T>(value: T): T {
  if (Array.isArray(value)) return value.map(cloneJson) as T;
  const object = asObject(value);
  if (!object) return value;
  const copy: JsonObject = {};
  for (const [key, item] of Object.entries(object)) copy[key] = cloneJson(item);
  return copy as T;
}

function asObject(value: unknown): JsonObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !isRawJson(value)
    ? (value as JsonObject)
    : undefined;
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
