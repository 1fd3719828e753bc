import { performance } from 'node:perf_hooks';
import type { WanLink } from '@asset-sync/git-harness';
import type { LinkName } from './corpus.js';
import type { SequenceId } from './options.js';

/** What one timed operation took and moved, counted at the link's proxy. */
export interface Measured {
  seconds: number;
  /** Connections to the server (clones, fetches and lazy fetches each open one over git://). */
  connections: number;
  /** Bytes the server sent: what the client received. */
  bytesReceived: number;
}

/** One timed sequence on one link, as the table shows it. */
export interface SequenceResult extends Measured {
  id: SequenceId;
  label: string;
  /** Set when only `timed` of `of` packages were run and the counts scaled linearly. */
  sample?: Measured & { timed: number; of: number };
  /** Every run's seconds when the sequence ran more than once; `seconds` is their median. */
  runs?: number[];
  /** asset-sync's own counts, from its JSON report. */
  network?: { pinFetches: number; objectFetches: number; objects: number; bytes: number; checkouts: number };
  /** (f): what the moved pins changed, and how long the link needs to carry those bytes. */
  changed?: { packages: number; files: number; bytes: number; transferSeconds: number };
  /** (e): the median of the no-ops run right after it. */
  nextNoopSeconds?: number;
  notes: string[];
}

/** Every sequence run over one link. */
export interface LinkResults {
  link: LinkName;
  rttMs: number;
  /** 0 for no cap. */
  mbit: number;
  sequences: SequenceResult[];
}

/** Runs `body` with the link's counters zeroed; returns its wall-clock time and what crossed the link. */
export async function measure(link: WanLink, body: () => Promise<void>): Promise<Measured> {
  await link.reset();
  const started = performance.now();
  await body();
  const seconds = (performance.now() - started) / 1000;
  const stats = await link.stats();
  return { seconds, connections: stats.connections, bytesReceived: stats.bytesToClient };
}

/** Seconds the link needs to carry `bytes` at its bandwidth (0 without a cap). */
export function transferSeconds(bytes: number, mbit: number): number {
  return mbit > 0 ? (bytes * 8) / (mbit * 1e6) : 0;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function describeRuns(times: number[]): string {
  if (times.length === 1) return `${(times[0] as number).toFixed(2)} s`;
  return `median of ${times.length} runs (${times.map((t) => t.toFixed(2)).join(', ')} s)`;
}

export function formatMiB(bytes: number): string {
  return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
}
