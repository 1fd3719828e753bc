#!/usr/bin/env node
// Times generateCorpus (and the matching language repo) for a few sizes.
// Usage (after `npm run build`): node libs/test-utils/scripts/measure-corpus.mjs [packages...]
import { execFileSync } from 'node:child_process';
import { generateCorpus, makeTempDir, removeTempDir, writeLanguageRepoFromCorpus } from '../dist/index.js';

const sizes = process.argv.slice(2).map(Number);
for (const packages of sizes.length > 0 ? sizes : [300, 1000]) {
  const root = await makeTempDir('asset-sync-measure');
  try {
    const started = performance.now();
    const manifest = await generateCorpus({ root, packages, seed: 'measure' });
    const generated = performance.now();
    const repo = await writeLanguageRepoFromCorpus(`${root}/language-repo`, manifest);
    const written = performance.now();
    const pack = execFileSync('du', ['-sk', manifest.repoPath], { encoding: 'utf8' }).split('\t')[0];
    console.log(
      JSON.stringify({
        packages,
        corpusSeconds: +((generated - started) / 1000).toFixed(2),
        languageRepoSeconds: +((written - generated) / 1000).toFixed(2),
        recordingFiles: manifest.packages.reduce((sum, p) => sum + p.files, 0),
        bytesAtPins: manifest.totalBytes,
        distinctCommits: manifest.distinctCommits.length,
        commits: manifest.stats.commits,
        tags: manifest.stats.tags,
        streamBytes: manifest.stats.streamBytes,
        repoKiB: Number(pack),
        languageRepoFiles: repo.assetsJsonPaths.length,
      }),
    );
  } finally {
    await removeTempDir(root);
  }
}
