import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { CorpusManifest, CorpusPackage } from '@asset-sync/corpus';

// What the bench reads off a corpus manifest and the disk. Kept apart from setting the corpus up
// (corpus.ts), which builds the floors (floors.ts) that need these too.

/** Path of a package's recordings inside the assets repo (and inside any checkout of it). */
export function assetsPathOf(pkg: CorpusPackage): string {
  return pkg.prefix === '' ? pkg.packagePath : `${pkg.prefix}/${pkg.packagePath}`;
}

/** What a per-package sequence checks out: the Tag, or the commit for the SHA dialect. */
export function checkoutRefOf(pkg: CorpusPackage): string {
  return pkg.dialect === 'sha' ? pkg.commit : pkg.tag;
}

/** Packages with something to restore (an empty Tag has nothing pushed yet). */
export function restorablePackages(manifest: CorpusManifest): CorpusPackage[] {
  return manifest.packages.filter((pkg) => pkg.commit !== '');
}

/** Bytes of every file under `dir` (apparent sizes). */
export async function diskUsage(dir: string): Promise<number> {
  let total = 0;
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  for (const entry of entries) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath ?? entry.path, entry.name))).size;
  }
  return total;
}
