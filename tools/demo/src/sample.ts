import { mkdtemp } from 'node:fs/promises';
import { realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTempDir, startGitDaemon, type GitDaemon } from '@asset-sync/git-harness';
import { generateCorpus, writeLanguageRepoFromCorpus, type CorpusManifest, type CorpusPackage } from '@asset-sync/corpus';

/** The built-in sample: a language repo, and its assets repo served by a git daemon on loopback. */
export interface Sample {
  /** Holds everything below; removed at the end unless kept. */
  dir: string;
  manifest: CorpusManifest;
  languageRepo: string;
  daemon: GitDaemon;
  url: string;
  /** The package the demo looks at closely. */
  showcase: CorpusPackage;
}

/** A few dozen packages: enough for shared checkouts to show, small enough to restore in a second. */
const SAMPLE = {
  // Pins shared between packages show the shared checkouts; the production shape has none.
  shape: 'shared',
  packages: 36,
  recordingsPerPackage: 8,
  seed: 'asset-sync-demo',
  // A history long enough for stale pins (a later commit changed their recordings), which need
  // a checkout of their own, and two packages in the older SHA dialect.
  historyDepth: 12,
  sharedCommitFraction: 0.8,
  stalePins: 3,
  shaPinnedPackages: 2,
} as const;

/**
 * A temp dir for the sample. A kept one is made outside the git-harness janitor (which removes
 * what it knows about when this process ends, however it ends); otherwise the janitor cleans up
 * even after a crash.
 */
export async function makeSampleDir(keep: boolean): Promise<string> {
  return keep ? mkdtemp(join(realpathSync(tmpdir()), 'asset-sync-demo-')) : makeTempDir('asset-sync-demo');
}

/** Generates the assets repo and the language repo in `dir` and starts the daemon. */
export async function buildSample(dir: string, onDaemon: (daemon: GitDaemon) => void): Promise<Sample> {
  const manifest = await generateCorpus({ root: join(dir, 'server'), ...SAMPLE });
  const languageRepo = (await writeLanguageRepoFromCorpus(join(dir, 'language-repo'), manifest)).dir;
  const daemon = await startGitDaemon(join(dir, 'server'));
  onDaemon(daemon);
  return { dir, manifest, languageRepo, daemon, url: daemon.url(manifest.assetsRepo), showcase: chooseShowcase(manifest) };
}

/** A well-known package when the sample has one, else the first package with a handful of recordings. */
export function chooseShowcase(manifest: CorpusManifest): CorpusPackage {
  const restorable = manifest.packages.filter((pkg) => pkg.commit !== '' && pkg.files > 0);
  const preferred = ['sdk/tables/azure-data-tables', 'sdk/keyvault/azure-keyvault-secrets', 'sdk/storage/azure-storage-blob'];
  return (
    restorable.find((pkg) => preferred.includes(pkg.packagePath)) ??
    restorable.find((pkg) => pkg.language === 'python' && pkg.files >= 4) ??
    restorable[0] ??
    (manifest.packages[0] as CorpusPackage)
  );
}
