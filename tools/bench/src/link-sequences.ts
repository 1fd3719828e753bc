import { formatBytes } from '@asset-sync/errors';
import { LINK_NAMES, type BenchCorpus } from './corpus.js';
import { timePlainClone } from './floors.js';
import type { LinkResults, SequenceResult } from './measure.js';
import type { BenchOptions, SequenceId } from './options.js';
import { timeRestoreRuns } from './restore.js';
import { timeProductionSequence, timeSharedCloneSequence, type SequenceContext } from './sequences.js';
import { timeSharedStoreRuns } from './shared-store.js';
import { verifyRestore, type Verification } from './verify.js';

/** One context per link, each logging with the link's name. */
export function linkContexts(corpus: BenchCorpus, log: (line: string) => void): SequenceContext[] {
  return LINK_NAMES.map((name) => ({ corpus, link: corpus.links[name], log: (line: string) => log(`[${name}] ${line}`) }));
}

/** (c): a plain clone of the one commit that holds exactly the pinned folders. */
export function timeSameBytesClone(contexts: SequenceContext[], runs: number): Promise<SequenceResult[]> {
  const { sameBytes } = contexts[0]!.corpus;
  return timePlainClone(contexts, sameBytes.name, runs, {
    id: 'c',
    label: 'floor: the same bytes in one commit, plain git clone',
    describe: (checkedOut) => `${sameBytes.files.toLocaleString('en-US')} files, ${formatBytes(checkedOut)} checked out: every package's folder at its pin, nothing else`,
  });
}

/** (r): a plain clone of the whole assets repo, every language and every push. */
function timeWholeRepoClone(contexts: SequenceContext[], runs: number): Promise<SequenceResult[]> {
  const { manifest, stats } = contexts[0]!.corpus;
  return timePlainClone(contexts, manifest.assetsRepo, runs, {
    id: 'r',
    label: 'plain git clone of the whole assets repo',
    describe: (checkedOut) =>
      `whole history (${stats.commits.toLocaleString('en-US')} commits, ${stats.tags.toLocaleString('en-US')} tags), ${formatBytes(checkedOut)} checked out at the tip of main`,
  });
}

/** Runs a per-link sequence on each link in turn. */
async function eachLink(contexts: SequenceContext[], time: (context: SequenceContext) => Promise<SequenceResult>): Promise<SequenceResult[]> {
  const results: SequenceResult[] = [];
  for (const context of contexts) results.push(await time(context));
  return results;
}

/**
 * Every wanted sequence over both links, cheapest first, so a broken restore fails the run before
 * minutes of (a); the links take turns, sequence by sequence and run by run, so the machine's
 * load changes hit them alike. (d), (f), (g) and (h) are checked byte for byte after every run.
 */
export async function timeLinks(corpus: BenchCorpus, options: BenchOptions, log: (line: string) => void): Promise<{ links: LinkResults[]; verification?: Verification }> {
  const contexts = linkContexts(corpus, log);
  const wanted = (id: SequenceId): boolean => !options.skip.has(id);
  const perLink: SequenceResult[][] = contexts.map(() => []);
  const add = (results: Array<SequenceResult | undefined>): void => results.forEach((result, i) => result && perLink[i]!.push(result));
  let verification: Verification | undefined;
  if (wanted('c')) add(await timeSameBytesClone(contexts, options.runs));
  if (wanted('d') || wanted('e') || wanted('f')) {
    // (e) and (f) need a restored language repo, so (d) runs (unreported) even when skipped.
    const restored = await timeRestoreRuns(contexts, options.runs, verifyRestore, wanted('f'));
    verification = restored.verification;
    if (wanted('d')) add(restored.results.map((r) => r.restore));
    if (wanted('e')) add(restored.results.map((r) => r.noop));
    add(restored.results.map((r) => r.pinChange));
  }
  if (wanted('g') || wanted('h')) {
    // (h) needs the store (g) fills, so (g) runs (unreported) even when skipped.
    const shared = await timeSharedStoreRuns(contexts, options.runs, verifyRestore);
    if (wanted('g')) add(shared.map((r) => r.firstClone));
    if (wanted('h')) add(shared.map((r) => r.secondClone));
  }
  if (wanted('r')) add(await timeWholeRepoClone(contexts, options.runs));
  if (wanted('b')) add(await eachLink(contexts, (context) => timeSharedCloneSequence(context, options.quick ? options.sample : undefined)));
  if (wanted('a')) add(await eachLink(contexts, (context) => timeProductionSequence(context, options.sample)));
  const links = contexts.map((context, i): LinkResults => ({
    link: LINK_NAMES[i]!,
    rttMs: context.link.rttMs,
    mbit: context.link.mbit,
    sequences: perLink[i]!,
  }));
  return { links, ...(verification ? { verification } : {}) };
}
