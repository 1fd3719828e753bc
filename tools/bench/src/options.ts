import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AssetSyncError } from '@asset-sync/errors';
import { workspaceRoot } from '@asset-sync/git-harness';
import type { CorpusShape } from '@asset-sync/corpus';

/** The sequences `npm run bench` times, in table order; each can be left out with `--skip`. */
export const SEQUENCE_IDS = ['a', 'b', 'c', 'r', 'd', 'e', 'f', 'g', 'h'] as const;
export type SequenceId = (typeof SEQUENCE_IDS)[number];

export interface BenchOptions {
  packages: number;
  /** Average recordings per package. */
  recordings: number;
  seed: string;
  shape: CorpusShape;
  /** production shape: share of the assets repo's packages in other languages. */
  otherShare: number;
  /** Runs of (c), (r), (d), (e), (f), (g) and (h); their medians are reported. */
  runs: number;
  /** A quick look: (a) and the per-package part of (b) on `sample` packages, extrapolated. */
  quick: boolean;
  /** Packages (a) times (extrapolated linearly); undefined for all of them. */
  sample: number | undefined;
  /** The simulated wide-area link every sequence also runs through. */
  wan: { rttMs: number; mbit: number };
  skip: Set<SequenceId>;
  /** Also time (c), (d) and (e) at each of these corpus sizes. */
  scale: number[] | undefined;
  /** Also run the migration benchmark (./migrate.ts). */
  migrate: boolean;
  /** Markdown file to update; undefined with `--out -`. */
  out: string | undefined;
  json: boolean;
  help: boolean;
}

export const SCALE_POINTS = [50, 300, 1000];
export const DEFAULT_WAN = { rttMs: 60, mbit: 200 } as const;
const DEFAULT_SAMPLE = 30;
const QUICK_SAMPLE = 3;

export const USAGE = `Usage: npm run bench -- [options]

Times, on one generated corpus served by git daemon on 127.0.0.1, once on loopback and once
through a simulated wide-area link (a TCP proxy adding latency and a bandwidth cap):
  (a) the production test-proxy sequence, one package at a time (on a sample, extrapolated)
  (b) the azure-sdk-for-net shared clone, then a local clone per package
  (c) the floor: a plain git clone of one commit holding exactly the pinned folders
  (r) a plain git clone of the whole assets repo
  (d) asset-sync restore --all from scratch, checked byte for byte against the pins
  (e) its no-op re-run
  (f) a re-run after 10 assets.json files move to newer pins
  (g) asset-sync restore --all in a fresh clone of the language repo, with an empty shared store
      (ASSET_SYNC_STORE_DIR)
  (h) the same in a second fresh clone, with the store (g) filled: no request to the server
      expected; checked byte for byte
Bytes received and connections are counted at the proxy (on loopback by one that adds nothing).

Options:
  --packages <n>       packages in the language repo (default 300)
  --recordings <n>     average recordings per package (default 20)
  --seed <text>        corpus seed (default "bench")
  --shape <name>       production (a chain of pushes per package, the default) or shared
                       (pushes on main, many packages to a commit)
  --other-share <x>    production shape: share of the assets repo's packages in other
                       languages, server-side weight only (default 0.5)
  --runs <n>           runs of (c), (r), (d), (e), (f), (g) and (h), medians reported (default 3)
  --sample <n|all>     packages (a) is timed on, extrapolated linearly (default ${DEFAULT_SAMPLE})
  --quick              a quick look: (a) on ${QUICK_SAMPLE} packages, the per-package part of (b) on a
                       sample too
  --wan-rtt <ms>       round-trip time of the simulated link (default ${DEFAULT_WAN.rttMs})
  --wan-mbit <n>       bandwidth of the simulated link per direction, Mbit/s; 0 for no cap
                       (default ${DEFAULT_WAN.mbit})
  --skip <ids>         sequences to leave out, e.g. --skip a,b
  --scale              also time (c), (d) and (e) at ${SCALE_POINTS.join(', ')} packages, on both links
  --migrate            also run the migration benchmark (4,693 Java recordings, 666 MB)
  --out <file>         markdown file to update (default BENCHMARKS.md at the workspace root; - for none)
  --json               print the results as JSON instead of the table
  -h, --help           this text`;

function usageError(message: string): AssetSyncError {
  return new AssetSyncError('USAGE', message, { hint: 'run npm run bench -- --help' });
}

function positiveInt(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw usageError(`${flag} must be a positive whole number, found "${value}"`);
  return n;
}

function nonNegative(value: string | undefined, flag: string, fallback: number, max = Infinity): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > max) throw usageError(`${flag} must be a number from 0 to ${max}, found "${value}"`);
  return n;
}

function parseSkip(value: string | undefined): Set<SequenceId> {
  const skip = new Set<SequenceId>();
  if (value === undefined) return skip;
  for (const raw of value.split(',')) {
    const id = raw.trim().toLowerCase().replace(/[()]/g, '');
    if (id === '') continue;
    if (!(SEQUENCE_IDS as readonly string[]).includes(id)) {
      throw new AssetSyncError('USAGE', `--skip takes sequence letters (${SEQUENCE_IDS.join(', ')}), found "${raw}"`, { hint: 'e.g. --skip a,b' });
    }
    skip.add(id as SequenceId);
  }
  return skip;
}

function parseShape(value: string | undefined): CorpusShape {
  if (value === undefined || value === 'production' || value === 'shared') return value ?? 'production';
  throw usageError(`--shape takes production or shared, found "${value}"`);
}

function parseSample(value: string | undefined, quick: boolean, packages: number): number | undefined {
  if (value === 'all') return undefined;
  const sample = positiveInt(value, '--sample', quick ? QUICK_SAMPLE : DEFAULT_SAMPLE);
  return sample >= packages ? undefined : sample;
}

export function parseBenchOptions(argv: string[]): BenchOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        packages: { type: 'string' },
        recordings: { type: 'string' },
        seed: { type: 'string' },
        shape: { type: 'string' },
        'other-share': { type: 'string' },
        runs: { type: 'string' },
        quick: { type: 'boolean' },
        sample: { type: 'string' },
        'wan-rtt': { type: 'string' },
        'wan-mbit': { type: 'string' },
        skip: { type: 'string' },
        scale: { type: 'boolean' },
        migrate: { type: 'boolean' },
        out: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw usageError((error as Error).message);
  }
  const { values } = parsed;
  const packages = positiveInt(values.packages, '--packages', 300);
  const quick = values.quick === true;
  const out = values.out === '-' ? undefined : resolve(values.out ?? resolve(workspaceRoot(), 'BENCHMARKS.md'));
  return {
    packages,
    recordings: positiveInt(values.recordings, '--recordings', 20),
    seed: values.seed ?? 'bench',
    shape: parseShape(values.shape),
    otherShare: nonNegative(values['other-share'], '--other-share', 0.5, 0.95),
    runs: positiveInt(values.runs, '--runs', 3),
    quick,
    sample: parseSample(values.sample, quick, packages),
    wan: {
      rttMs: nonNegative(values['wan-rtt'], '--wan-rtt', DEFAULT_WAN.rttMs, 10_000),
      mbit: nonNegative(values['wan-mbit'], '--wan-mbit', DEFAULT_WAN.mbit, 100_000),
    },
    skip: parseSkip(values.skip),
    scale: values.scale === true ? SCALE_POINTS : undefined,
    migrate: values.migrate === true,
    out,
    json: values.json === true,
    help: values.help === true,
  };
}
