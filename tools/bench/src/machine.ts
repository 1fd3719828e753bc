import { readFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, release, totalmem, type as osType } from 'node:os';
import { git, runGit, workspaceRoot } from '@asset-sync/git-harness';

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
  /** The same when the run ended, once known. */
  loadAtEnd?: number;
  /** ISO date and time of the run. */
  date: string;
}

async function osName(): Promise<string> {
  const text = await readFile('/etc/os-release', 'utf8').catch(() => '');
  const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(text)?.[1];
  return `${pretty ?? osType()} (${osType()} ${release()})`;
}

/** The 1-minute load average now, rounded. */
export function currentLoad(): number {
  return Number((loadavg()[0] ?? 0).toFixed(2));
}

export async function describeMachine(): Promise<Machine> {
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: availableParallelism(),
    ramGiB: Math.round(totalmem() / 1024 ** 3),
    os: await osName(),
    node: process.version,
    git: (await git(['--version'])).replace(/^git version /, ''),
    load: currentLoad(),
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  };
}

export function formatMachine(machine: Machine): string {
  const load = `load ${machine.load} at the start${machine.loadAtEnd === undefined ? '' : `, ${machine.loadAtEnd} at the end`}`;
  return `${machine.cpu}, ${machine.cores} cores, ${machine.ramGiB} GiB RAM, ${machine.os}, Node ${machine.node}, git ${machine.git}, ${load}, ${machine.date}`;
}

/**
 * The asset-sync being measured: the workspace's commit, and whether the sources the CLI is built
 * from differed from it (numbers from a work in progress say little about either).
 */
export async function describeRevision(): Promise<string> {
  const root = workspaceRoot();
  const head = await runGit(['rev-parse', '--short=10', 'HEAD'], { cwd: root, allowFailure: true });
  if (head.exitCode !== 0) return 'unknown (not a git checkout)';
  const status = await runGit(['status', '--porcelain', '--', 'libs', 'apps'], { cwd: root, allowFailure: true });
  const changed = status.stdout.toString('utf8').split('\n').filter(Boolean).length;
  return `${head.stdout.toString('utf8').trim()}${changed > 0 ? ` with ${changed} uncommitted changes in libs/ and apps/` : ''}`;
}
