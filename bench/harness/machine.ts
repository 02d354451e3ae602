import os from 'node:os';

/** What BENCHMARKS.md quotes about the machine; nothing that names a path or a host. */
export interface MachineDescription {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  v8: string;
  platform: string;
  arch: string;
  /** 1-minute load average when the run started: above the core count, the machine was busy. */
  loadAverage1m: number;
}

export function describeMachine(): MachineDescription {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    v8: process.versions.v8,
    platform: `${os.type()} ${os.release()}`,
    arch: process.arch,
    loadAverage1m: Math.round(os.loadavg()[0]! * 100) / 100,
  };
}

export function machineLine(m: MachineDescription): string {
  return `${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, Node.js ${m.node} (${m.platform} ${m.arch}), load ${m.loadAverage1m} at start`;
}
