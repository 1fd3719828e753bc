import { LINK_NAMES, setUpCorpus, tearDownCorpus } from './corpus.js';
import { timeSameBytesClone } from './link-sequences.js';
import type { BenchOptions } from './options.js';
import type { ScalePoint } from './report.js';
import { timeRestoreRuns } from './restore.js';
import { verifyRestore } from './verify.js';

/** (c), (d) and (e) on a fresh corpus of `packages` packages, on each link; (d) verified byte for byte. */
export async function measureScalePoint(packages: number, options: BenchOptions, log: (line: string) => void): Promise<ScalePoint> {
  log(`scale: ${packages} packages`);
  const corpus = await setUpCorpus({ ...options, packages, log });
  try {
    const links: ScalePoint['links'] = [];
    let verification: ScalePoint['verification'] | undefined;
    for (const name of LINK_NAMES) {
      const link = corpus.links[name];
      const context = { corpus, link, log: (line: string) => log(`[${name}] ${line}`) };
      const floor = await timeSameBytesClone(context, options.runs);
      const runs = await timeRestoreRuns(context, options.runs, verifyRestore, false);
      verification ??= runs.verification;
      links.push({ link: name, rttMs: link.rttMs, mbit: link.mbit, floor, restore: runs.restore, noop: runs.noop });
    }
    return { corpus: corpus.stats, links, verification: verification! };
  } finally {
    await tearDownCorpus(corpus);
  }
}
