#!/usr/bin/env node
// Times generateCorpus (and the matching language repo) for a few sizes.
// Usage (after `npm run build`): node libs/corpus/scripts/measure-corpus.mjs [--shared] [packages...]
import { execFileSync } from 'node:child_process';
import { makeTempDir, removeTempDir } from '@asset-sync/git-harness';
import { generateCorpus, writeLanguageRepoFromCorpus } from '../dist/index.js';

const args = process.argv.slice(2);
const shape = args.includes('--shared') ? 'shared' : 'production';
const sizes = args.filter((arg) => !arg.startsWith('--')).map(Number);
for (const packages of sizes.length > 0 ? sizes : [300, 1000]) {
  const root = await makeTempDir('asset-sync-measure');
  try {
    const started = performance.now();
    const manifest = await generateCorpus({ root, packages, shape, seed: 'measure' });
    const generated = performance.now();
    const repo = await writeLanguageRepoFromCorpus(`${root}/language-repo`, manifest);
    const written = performance.now();
    const pack = execFileSync('du', ['-sk', manifest.repoPath], { encoding: 'utf8' }).split('\t')[0];
    const pinned = repo.packages.filter((p) => p.commit !== '');
    console.log(
      JSON.stringify({
        shape,
        packages,
        corpusSeconds: +((generated - started) / 1000).toFixed(2),
        languageRepoSeconds: +((written - generated) / 1000).toFixed(2),
        languageRepoPackages: repo.packages.length,
        recordingFiles: repo.packages.reduce((sum, p) => sum + p.files, 0),
        bytesAtPins: repo.packages.reduce((sum, p) => sum + p.bytes, 0),
        distinctCommits: new Set(pinned.map((p) => p.commit)).size,
        stalePins: repo.packages.filter((p) => p.stale).length,
        assetsRepoPackages: manifest.packages.length,
        assetsRepoBytesAtPins: manifest.totalBytes,
        commits: manifest.stats.commits,
        tags: manifest.stats.tags,
        streamBytes: manifest.stats.streamBytes,
        repoKiB: Number(pack),
      }),
    );
  } finally {
    await removeTempDir(root);
  }
}
