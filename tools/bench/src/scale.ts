import { setUpCorpus, tearDownCorpus } from './corpus.js';
import type { BenchOptions } from './options.js';
import type { ScalePoint } from './report.js';
import { timePlainClone, timeRestoreRuns } from './sequences.js';
import { verifyRestore } from './verify.js';

/** (c), (d) and (e) on a fresh corpus of `packages` packages; (d) verified byte for byte. */
export async function measureScalePoint(packages: number, options: BenchOptions, log: (line: string) => void): Promise<ScalePoint> {
  log(`scale: ${packages} packages`);
  const corpus = await setUpCorpus({ packages, recordings: options.recordings, seed: options.seed, log });
  try {
    const context = { corpus, log };
    const plainClone = await timePlainClone(context, options.runs);
    const { restore, noop, verification } = await timeRestoreRuns(context, options.runs, (report) => verifyRestore(corpus.manifest, report));
    return { corpus: corpus.stats, plainClone, restore, noop, verification };
  } finally {
    await tearDownCorpus(corpus);
  }
}
