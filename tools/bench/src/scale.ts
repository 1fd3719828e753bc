import { LINK_NAMES, setUpCorpus, tearDownCorpus } from './corpus.js';
import { linkContexts, timeSameBytesClone } from './link-sequences.js';
import type { BenchOptions } from './options.js';
import type { ScalePoint } from './report.js';
import { timeRestoreRuns } from './restore.js';
import { verifyRestore } from './verify.js';

/** (c), (d) and (e) on a fresh corpus of `packages` packages, on both links; (d) verified byte for byte. */
export async function measureScalePoint(packages: number, options: BenchOptions, log: (line: string) => void): Promise<ScalePoint> {
  log(`scale: ${packages} packages`);
  const corpus = await setUpCorpus({ ...options, packages, log });
  try {
    const contexts = linkContexts(corpus, log);
    const floors = await timeSameBytesClone(contexts, options.runs);
    const { results, verification } = await timeRestoreRuns(contexts, options.runs, verifyRestore, false);
    const links = contexts.map((context, i) => ({
      link: LINK_NAMES[i]!,
      rttMs: context.link.rttMs,
      mbit: context.link.mbit,
      floor: floors[i]!,
      restore: results[i]!.restore,
      noop: results[i]!.noop,
    }));
    return { corpus: corpus.stats, links, verification };
  } finally {
    await tearDownCorpus(corpus);
  }
}
