import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FIXTURE_EPOCH, git, makeBareAssetsRepo, makeTempDir, removeTempDir, runGit } from '@asset-sync/git-harness';
import type { CorpusManifest } from '@asset-sync/corpus';
import { assetsPathOf, diskUsage, restorablePackages } from './manifest.js';
import { describeRuns, measure, median, type Measured, type SequenceResult } from './measure.js';
import type { SequenceContext } from './sequences.js';

/** A bare repository whose one commit holds exactly the pinned folders. */
export interface SameBytesRepo {
  /** Name on the daemon, e.g. `Azure/azure-sdk-assets-same-bytes`. */
  name: string;
  path: string;
  commit: string;
  files: number;
  bytes: number;
}

/**
 * The floor "the same bytes in one commit": `<prefix>/<package path>/...` at each package's pin,
 * all in a single commit, so a plain clone of it transfers what a restore must and nothing else.
 * It borrows the assets repo's objects (alternates): a clone then packs the very blobs a restore
 * fetches, stored the same way. A nested package's folder comes from its own pin.
 */
export async function buildSameBytesRepo(serverRoot: string, manifest: CorpusManifest): Promise<SameBytesRepo> {
  const name = `${manifest.assetsRepo}-same-bytes`;
  const path = await makeBareAssetsRepo(serverRoot, name);
  await writeFile(join(path, 'objects', 'info', 'alternates'), `${join(manifest.repoPath, 'objects')}\n`);
  // Outer folders first, so a nested package's own pin has the last word on its folder.
  const packages = restorablePackages(manifest).sort((a, b) => assetsPathOf(a).length - assetsPathOf(b).length);
  const listings: Buffer[] = [];
  for (const pkg of packages) {
    const { stdout } = await runGit(['--git-dir', manifest.repoPath, 'ls-tree', '-r', '-z', pkg.commit, '--', `${assetsPathOf(pkg)}/`]);
    listings.push(stdout);
  }
  const env = { GIT_INDEX_FILE: join(path, 'same-bytes.index') };
  try {
    await runGit(['--git-dir', path, 'update-index', '-z', '--index-info'], { input: Buffer.concat(listings), env });
    const tree = await git(['--git-dir', path, 'write-tree'], { env });
    const date = `${FIXTURE_EPOCH} +0000`;
    const commit = await git(['--git-dir', path, 'commit-tree', tree, '-m', 'The pinned folders of every package, in one commit'], {
      env: { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
    });
    await git(['--git-dir', path, 'update-ref', 'refs/heads/main', commit]);
    const sizes = (await git(['--git-dir', path, 'ls-tree', '-r', '-l', '-z', commit])).split('\0').filter(Boolean);
    const bytes = sizes.reduce((sum, line) => sum + Number(line.split('\t')[0]!.trim().split(/\s+/)[3]), 0);
    return { name, path, commit, files: sizes.length, bytes };
  } finally {
    await rm(env.GIT_INDEX_FILE, { force: true });
  }
}

/**
 * A plain `git clone` of `repo` through each context's link, `runs` times, each into a fresh
 * folder; the links take turns run by run, so a change in the machine's load hits them alike.
 * One result per context, the median reported.
 */
export async function timePlainClone(
  contexts: SequenceContext[],
  repo: string,
  runs: number,
  result: Pick<SequenceResult, 'id' | 'label'> & { describe: (checkedOut: number) => string },
): Promise<SequenceResult[]> {
  const work = await makeTempDir(`asset-sync-bench-${result.id}`);
  try {
    const measured = contexts.map(() => [] as Measured[]);
    let checkedOut = 0;
    for (let run = 0; run < runs; run++) {
      for (const [i, { link }] of contexts.entries()) {
        const dir = join(work, `clone-${run}-${i}`);
        measured[i]!.push(await measure(link, () => git(['clone', '--quiet', link.url(repo), dir]).then(() => undefined)));
        checkedOut = (await diskUsage(dir)) - (await diskUsage(join(dir, '.git')));
        await rm(dir, { recursive: true, force: true });
      }
    }
    return contexts.map((context, i) => {
      const all = measured[i]!;
      const times = all.map((m) => m.seconds);
      context.log(`(${result.id}) ${result.label}: ${describeRuns(times)}`);
      const last = all[all.length - 1]!;
      return {
        id: result.id,
        label: result.label,
        seconds: median(times),
        connections: last.connections,
        bytesReceived: last.bytesReceived,
        ...(runs > 1 ? { runs: times } : {}),
        notes: [`${result.describe(checkedOut)}${runs > 1 ? `; ${describeRuns(times)}` : ''}`],
      };
    });
  } finally {
    await removeTempDir(work);
  }
}
