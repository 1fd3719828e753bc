import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AssetSyncError } from '@asset-sync/errors';
import { workspaceRoot } from '@asset-sync/test-utils';

/** The sequences `npm run bench` times; each can be left out with `--skip`. */
export const SEQUENCE_IDS = ['a', 'b', 'c', 'd', 'e'] as const;
export type SequenceId = (typeof SEQUENCE_IDS)[number];

export interface BenchOptions {
  packages: number;
  /** Average recordings per package. */
  recordings: number;
  seed: string;
  /** Runs of (c), (d) and (e); their medians are reported. */
  runs: number;
  /** Time (a) on a sample of packages and extrapolate linearly. */
  quick: boolean;
  /** Packages (a) times in quick mode. */
  sample: number;
  skip: Set<SequenceId>;
  /** Also time (d) and (e) at each of these corpus sizes. */
  scale: number[] | undefined;
  /** Also run the migration benchmark (./migrate.ts). */
  migrate: boolean;
  /** Markdown file to update; undefined with `--out -`. */
  out: string | undefined;
  json: boolean;
  help: boolean;
}

export const SCALE_POINTS = [50, 300, 1000];

export const USAGE = `Usage: npm run bench -- [options]

Times, on one generated corpus served by git daemon on 127.0.0.1:
  (a) the production test-proxy sequence, one package at a time
  (b) the azure-sdk-for-net shared clone, then a local clone per package
  (c) the floor: one plain git clone
  (d) asset-sync restore --all from scratch, and (e) its no-op re-run

Options:
  --packages <n>     packages in the corpus (default 300)
  --recordings <n>   average recordings per package (default 20)
  --seed <text>      corpus seed (default "bench")
  --runs <n>         runs of (c), (d) and (e), medians reported (default 3)
  --quick            time (a) on a sample of packages and extrapolate linearly
  --sample <n>       packages (a) times with --quick (default 30)
  --skip <ids>       sequences to leave out, e.g. --skip a,b
  --scale            also time (d) and (e) at ${SCALE_POINTS.join(', ')} packages
  --migrate          also run the migration benchmark (4,693 Java recordings, 666 MB)
  --out <file>       markdown file to update (default BENCHMARKS.md at the workspace root; - for none)
  --json             print the results as JSON instead of the table
  -h, --help         this text`;

function positiveInt(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new AssetSyncError('USAGE', `${flag} must be a positive whole number, found "${value}"`, { hint: 'run npm run bench -- --help' });
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
        runs: { type: 'string' },
        quick: { type: 'boolean' },
        sample: { type: 'string' },
        skip: { type: 'string' },
        scale: { type: 'boolean' },
        migrate: { type: 'boolean' },
        out: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new AssetSyncError('USAGE', (error as Error).message, { hint: 'run npm run bench -- --help' });
  }
  const { values } = parsed;
  const packages = positiveInt(values.packages, '--packages', 300);
  const out = values.out === '-' ? undefined : resolve(values.out ?? resolve(workspaceRoot(), 'BENCHMARKS.md'));
  return {
    packages,
    recordings: positiveInt(values.recordings, '--recordings', 20),
    seed: values.seed ?? 'bench',
    runs: positiveInt(values.runs, '--runs', 3),
    quick: values.quick === true,
    sample: Math.min(positiveInt(values.sample, '--sample', 30), packages),
    skip: parseSkip(values.skip),
    scale: values.scale === true ? SCALE_POINTS : undefined,
    migrate: values.migrate === true,
    out,
    json: values.json === true,
    help: values.help === true,
  };
}
