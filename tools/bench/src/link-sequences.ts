import type { BenchCorpus } from './corpus.js';
import { formatBytes } from './corpus.js';
import { timePlainClone } from './floors.js';
import type { LinkResults, SequenceResult } from './measure.js';
import type { BenchOptions, SequenceId } from './options.js';
import { timeRestoreRuns } from './restore.js';
import { timeProductionSequence, timeSharedCloneSequence, type SequenceContext } from './sequences.js';
import { verifyRestore, type Verification } from './verify.js';

/** (c): a plain clone of the one commit that holds exactly the pinned folders. */
export function timeSameBytesClone(context: SequenceContext, runs: number): Promise<SequenceResult> {
  const { corpus, link, log } = context;
  return timePlainClone(link, corpus.sameBytes.name, runs, {
    id: 'c',
    label: 'floor: the same bytes in one commit, plain git clone',
    describe: (checkedOut) => `${corpus.sameBytes.files.toLocaleString('en-US')} files, ${formatBytes(checkedOut)} checked out: every package's folder at its pin, nothing else`,
  }, log);
}

/** (r): a plain clone of the whole assets repo, every language and every push. */
function timeWholeRepoClone(context: SequenceContext, runs: number): Promise<SequenceResult> {
  const { corpus, link, log } = context;
  const { commits, tags } = corpus.stats;
  return timePlainClone(link, corpus.manifest.assetsRepo, runs, {
    id: 'r',
    label: 'plain git clone of the whole assets repo',
    describe: (checkedOut) => `whole history (${commits.toLocaleString('en-US')} commits, ${tags.toLocaleString('en-US')} tags), ${formatBytes(checkedOut)} checked out at the tip of main`,
  }, log);
}

/**
 * Every wanted sequence over one link, cheapest first, so a broken restore fails the run before
 * minutes of (a); (d) and (f) checked byte for byte after every run.
 */
export async function timeLink(corpus: BenchCorpus, name: LinkResults['link'], options: BenchOptions, log: (line: string) => void): Promise<{ results: LinkResults; verification?: Verification }> {
  const link = corpus.links[name];
  const context: SequenceContext = { corpus, link, log: (line) => log(`[${name}] ${line}`) };
  const wanted = (id: SequenceId): boolean => !options.skip.has(id);
  const sequences: SequenceResult[] = [];
  let verification: Verification | undefined;
  if (wanted('c')) sequences.push(await timeSameBytesClone(context, options.runs));
  if (wanted('d') || wanted('e') || wanted('f')) {
    // (e) and (f) need a restored language repo, so (d) runs (unreported) even when skipped.
    const runs = await timeRestoreRuns(context, options.runs, async (manifest, report) => {
      const checked = await verifyRestore(manifest, report);
      context.log(`verified ${checked.files} files of ${checked.packages} packages byte for byte`);
      return checked;
    }, wanted('f'));
    verification = runs.verification;
    if (wanted('d')) sequences.push(runs.restore);
    if (wanted('e')) sequences.push(runs.noop);
    if (runs.pinChange) sequences.push(runs.pinChange);
  }
  if (wanted('r')) sequences.push(await timeWholeRepoClone(context, options.runs));
  if (wanted('b')) sequences.push(await timeSharedCloneSequence(context, options.quick ? options.sample : undefined));
  if (wanted('a')) sequences.push(await timeProductionSequence(context, options.sample));
  return { results: { link: name, rttMs: link.rttMs, mbit: link.mbit, sequences }, ...(verification ? { verification } : {}) };
}
