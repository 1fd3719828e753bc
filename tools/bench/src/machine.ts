import { readFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, release, totalmem, type as osType } from 'node:os';
import { git } from '@asset-sync/test-utils';

/** Where the numbers were measured: they mean little without it. */
export interface Machine {
  cpu: string;
  cores: number;
  ramGiB: number;
  os: string;
  node: string;
  git: string;
  /** 1-minute load average when the run started: other work on the machine skews the times. */
  load: number;
  /** ISO date and time of the run. */
  date: string;
}

async function osName(): Promise<string> {
  const text = await readFile('/etc/os-release', 'utf8').catch(() => '');
  const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(text)?.[1];
  return `${pretty ?? osType()} (${osType()} ${release()})`;
}

export async function describeMachine(): Promise<Machine> {
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: availableParallelism(),
    ramGiB: Math.round(totalmem() / 1024 ** 3),
    os: await osName(),
    node: process.version,
    git: (await git(['--version'])).replace(/^git version /, ''),
    load: Number((loadavg()[0] ?? 0).toFixed(2)),
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  };
}

export function formatMachine(machine: Machine): string {
  return `${machine.cpu}, ${machine.cores} cores, ${machine.ramGiB} GiB RAM, ${machine.os}, Node ${machine.node}, git ${machine.git}, load ${machine.load} at the start, ${machine.date}`;
}
