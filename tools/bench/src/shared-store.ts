import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { git, makeTempDir, removeTempDir } from '@asset-sync/git-harness';
import type { CorpusManifest } from '@asset-sync/corpus';
import type { SequenceResult } from './measure.js';
import { medianRun, timeRestore, type RestoreReportJson, type RestoreRun } from './restore.js';
import type { SequenceContext } from './sequences.js';
import type { Verification } from './verify.js';

/** (g) and (h) on one link. */
export interface SharedStoreResults {
  firstClone: SequenceResult;
  secondClone: SequenceResult;
}

/**
 * Two fresh clones of the language repo side by side and an empty store folder, as a developer
 * has them with `storeDir` set: each clone has its own assets dir, only the store is shared.
 */
async function cloneTwice(languageRepo: string, dir: string): Promise<{ first: string; second: string; storeDir: string }> {
  const [first, second, storeDir] = ['clone-1', 'clone-2', 'store'].map((name) => join(dir, name)) as [string, string, string];
  for (const clone of [first, second]) await git(['clone', '--quiet', languageRepo, clone]);
  await mkdir(storeDir);
  return { first, second, storeDir };
}

/**
 * (g) and (h), `runs` times on each context's link, the links taking turns run by run. Each run
 * starts from two fresh clones and an empty shared store (ASSET_SYNC_STORE_DIR): (g) is
 * `restore --all` in the first clone, which fills the store; (h) the same in the second clone,
 * which should find every pin and recording there. Both are checked byte for byte after every
 * run. Medians reported, one result per context.
 */
export async function timeSharedStoreRuns(
  contexts: SequenceContext[],
  runs: number,
  verify: (manifest: CorpusManifest, report: RestoreReportJson) => Promise<Verification>,
): Promise<SharedStoreResults[]> {
  const corpus = contexts[0]!.corpus;
  const work = await makeTempDir('asset-sync-bench-g');
  const runsOf = contexts.map(() => ({ g: [] as RestoreRun[], h: [] as RestoreRun[] }));
  try {
    for (let run = 0; run < runs; run++) {
      for (const [i, context] of contexts.entries()) {
        const dir = join(work, `run-${run}-${i}`);
        const { first, second, storeDir } = await cloneTwice(corpus.languageRepo, dir);
        for (const [id, cwd] of [['g', first], ['h', second]] as const) {
          const restored = await timeRestore(context, id, { cwd, storeDir });
          const checked = await verify(corpus.manifest, restored.report);
          context.log(`(${id}) verified: ${checked.files} files of ${checked.packages} packages byte for byte`);
          runsOf[i]![id].push(restored);
        }
        // One run's clones and store on disk at a time: two checkouts of every pinned recording, and the store.
        await rm(dir, { recursive: true, force: true });
      }
    }
  } finally {
    await removeTempDir(work);
  }
  const verified = (result: SequenceResult): SequenceResult => ({ ...result, notes: [...result.notes, 'verified byte for byte after each run'] });
  return runsOf.map(({ g, h }) => ({ firstClone: verified(medianRun(g)), secondClone: verified(medianRun(h)) }));
}
