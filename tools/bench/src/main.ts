import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exitCodeOf, isAssetSyncError, redact } from '@asset-sync/errors';
import { setUpCorpus, tearDownCorpus } from './corpus.js';
import { describeMachine, describeRevision } from './machine.js';
import { writeSections } from './markdown.js';
import { benchMigrate } from './migrate.js';
import { parseBenchOptions, SEQUENCE_IDS, USAGE, type BenchOptions } from './options.js';
import { renderReportText, renderRestoreMarkdown, renderScaleMarkdown, type BenchReport, type ScalePoint } from './report.js';
import { measureScalePoint } from './scale.js';
import { timePlainClone, timeProductionSequence, timeRestoreRuns, timeSharedCloneSequence, type SequenceResult } from './sequences.js';
import { verifyRestore, type Verification } from './verify.js';

const log = (line: string): void => {
  process.stderr.write(`bench: ${line}\n`);
};

/**
 * `npm run bench`: one corpus, one daemon, every sequence timed against it; then the scale
 * curve and the migration benchmark when asked for; then the table, printed and written to
 * BENCHMARKS.md. Returns the exit code: 0, or 1 when a sequence failed or restore wrote wrong bytes.
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
    sequences: [],
    ...timed,
  };
  if (options.scale) report.scale = await measureScale(options, report);

  // A run that timed nothing here (e.g. only --migrate) leaves the restore section as it was.
  const sections: Record<string, string> = report.sequences.length > 0 ? { restore: renderRestoreMarkdown(report) } : {};
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

/** (a) to (e) on one corpus served by one daemon, (d) verified byte for byte after every run. */
async function timeSequences(options: BenchOptions): Promise<Pick<BenchReport, 'corpus' | 'sequences' | 'verification'>> {
  const sequences: SequenceResult[] = [];
  let verification: Verification | undefined;
  const corpus = await setUpCorpus({ packages: options.packages, recordings: options.recordings, seed: options.seed, log });
  try {
    const context = { corpus, log };
    const wanted = (id: SequenceResult['id']): boolean => !options.skip.has(id);
    // Cheapest first, so a broken restore fails the run before minutes of (a).
    if (wanted('c')) sequences.push(await timePlainClone(context, options.runs));
    if (wanted('d') || wanted('e')) {
      // (e) needs a restored language repo, so (d) runs (unreported) even when skipped.
      const restore = await timeRestoreRuns(context, options.runs, async (report) => {
        const checked = await verifyRestore(corpus.manifest, report);
        log(`(d) verified ${checked.files} files of ${checked.packages} packages byte for byte`);
        return checked;
      });
      verification = restore.verification;
      if (wanted('d')) sequences.push(restore.restore);
      if (wanted('e')) sequences.push(restore.noop);
    }
    if (wanted('b')) sequences.push(await timeSharedCloneSequence(context));
    if (wanted('a')) sequences.push(await timeProductionSequence(context, options.quick ? options.sample : undefined));
  } finally {
    await tearDownCorpus(corpus);
  }
  sequences.sort((x, y) => x.id.localeCompare(y.id));
  return { corpus: corpus.stats, sequences, ...(verification ? { verification } : {}) };
}

/** The scale curve; the main corpus's point is reused when it is one of the sizes. */
async function measureScale(options: BenchOptions, main: BenchReport): Promise<ScalePoint[]> {
  const points: ScalePoint[] = [];
  const [c, d, e] = (['c', 'd', 'e'] as const).map((id) => main.sequences.find((s) => s.id === id));
  for (const packages of options.scale ?? []) {
    if (packages === options.packages && main.corpus && c && d && e && main.verification) {
      points.push({ corpus: main.corpus, plainClone: c, restore: d, noop: e, verification: main.verification });
    } else {
      points.push(await measureScalePoint(packages, options, log));
    }
  }
  return points;
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
