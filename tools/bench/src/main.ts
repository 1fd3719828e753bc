import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { exitCodeOf, isAssetSyncError, redact } from '@asset-sync/errors';
import { setUpCorpus, tearDownCorpus } from './corpus.js';
import { timeLinks } from './link-sequences.js';
import { currentLoad, describeMachine, describeRevision } from './machine.js';
import { writeSections } from './markdown.js';
import { benchMigrate } from './migrate.js';
import { parseBenchOptions, SEQUENCE_IDS, USAGE, type BenchOptions } from './options.js';
import { renderReportText, renderRestoreMarkdown, renderScaleMarkdown, type BenchReport, type ScalePoint } from './report.js';
import { measureScalePoint } from './scale.js';

const started = performance.now();
// Seconds since the start on every line show where a run spends its time.
const log = (line: string): void => {
  process.stderr.write(`bench: [${((performance.now() - started) / 1000).toFixed(1)} s] ${line}\n`);
};

/**
 * `npm run bench`: one corpus, one daemon, every sequence timed on loopback and through the
 * simulated WAN; then the scale curve and the migration benchmark when asked for; then the
 * table, printed and written to BENCHMARKS.md. Returns the exit code: 0, or 1 when a sequence
 * failed or restore wrote wrong bytes.
 */
export async function runBench(argv: string[]): Promise<number> {
  const options = parseBenchOptions(argv);
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const [machine, revision] = await Promise.all([describeMachine(), describeRevision()]);
  const timed = SEQUENCE_IDS.some((id) => !options.skip.has(id)) ? await timeSequences(options) : undefined;
  const report: BenchReport = {
    command: ['npm run bench', ...(argv.length > 0 ? ['--', ...argv] : [])].join(' '),
    revision,
    machine,
    links: [],
    ...timed,
  };
  if (options.scale) report.scale = await measureScale(options, report);
  report.machine.loadAtEnd = currentLoad();

  // A run that timed nothing here (e.g. only --migrate) leaves the restore section as it was.
  const sections: Record<string, string> = report.links.length > 0 ? { restore: renderRestoreMarkdown(report) } : {};
  if (report.scale) sections['restore-scale'] = renderScaleMarkdown(report);
  const migrate = options.migrate ? await runMigrateBench(options) : undefined;
  if (migrate) sections['migrate'] = migrate.markdown;

  if (options.json) process.stdout.write(`${JSON.stringify({ ...report, ...(migrate ? { migrate } : {}) }, null, 2)}\n`);
  else process.stdout.write(`\n${renderReportText(report)}\n${migrate ? `\nmigration:\n${migrate.text}\n` : ''}`);
  if (options.out !== undefined && Object.keys(sections).length > 0) {
    await writeSections(options.out, sections);
    log(`wrote ${Object.keys(sections).map((name) => `"${name}"`).join(', ')} to ${options.out}`);
  }
  return 0;
}

/** Every sequence on one corpus, over loopback and over the WAN. */
async function timeSequences(options: BenchOptions): Promise<Pick<BenchReport, 'corpus' | 'links' | 'verification'>> {
  const corpus = await setUpCorpus({ ...options, log });
  try {
    return { corpus: corpus.stats, ...(await timeLinks(corpus, options, log)) };
  } finally {
    await tearDownCorpus(corpus);
  }
}

/** The scale curve; the main corpus's point is reused when it is one of the sizes. */
async function measureScale(options: BenchOptions, main: BenchReport): Promise<ScalePoint[]> {
  const points: ScalePoint[] = [];
  for (const packages of options.scale ?? []) {
    const reused = packages === options.packages ? reuseMainPoint(main) : undefined;
    points.push(reused ?? (await measureScalePoint(packages, options, log)));
  }
  return points;
}

function reuseMainPoint(main: BenchReport): ScalePoint | undefined {
  if (!main.corpus || !main.verification) return undefined;
  const links: ScalePoint['links'] = [];
  for (const results of main.links) {
    const [floor, restore, noop] = (['c', 'd', 'e'] as const).map((id) => results.sequences.find((s) => s.id === id));
    if (!floor || !restore || !noop) return undefined;
    links.push({ link: results.link, rttMs: results.rttMs, mbit: results.mbit, floor, restore, noop });
  }
  return { corpus: main.corpus, links, verification: main.verification };
}

// --migrate: the migration benchmark (./migrate.ts), printed after the restore table and written
// between the `bench:migrate` markers of BENCHMARKS.md.
async function runMigrateBench(options: BenchOptions): Promise<{ text: string; markdown: string }> {
  return benchMigrate({ packages: options.packages, recordings: options.recordings, seed: options.seed, quick: options.quick, log });
}

function reportError(error: unknown): number {
  if (isAssetSyncError(error)) {
    process.stderr.write(`bench: error: ${redact(error.message)}\n`);
    if (error.hint) process.stderr.write(`hint: ${error.hint}\n`);
  } else {
    process.stderr.write(`bench: error: ${redact(error instanceof Error ? (error.stack ?? error.message) : String(error))}\n`);
  }
  return exitCodeOf(error);
}

// Run only as the entry point (`node tools/bench/dist/main.js`), not when imported.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await runBench(process.argv.slice(2)).catch(reportError);
}
