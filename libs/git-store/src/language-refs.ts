import { AssetSyncError } from '@asset-sync/errors';
import { parseCatFileBatch } from './cat-file.js';
import { assertNotOption, runGit } from './run.js';

/*
 * Reading the language repo at other refs (release tags, other branches) without checking
 * anything out: gc and grep need the assets.json files every ref of interest pins.
 */

const HEX40 = /^[0-9a-f]{40}$/;

/** Refs of the language repo matching for-each-ref patterns (`refs/tags/release/`, `refs/heads/*`), symbolic HEADs left out. */
export async function languageRefs(repoRoot: string, patterns: string[]): Promise<string[]> {
  for (const pattern of patterns) assertNotOption(pattern, 'the ref pattern');
  const result = await runGit(['for-each-ref', '--format=%(refname)', ...patterns], { cwd: repoRoot });
  return result.stdout.split('\n').filter((r) => r && !r.endsWith('/HEAD'));
}

/** The root tree of each name (`release/1.0.0`, `origin/main`, a commit id); names git cannot resolve are absent. */
export async function languageTrees(repoRoot: string, names: string[]): Promise<Map<string, string>> {
  const trees = new Map<string, string>();
  if (names.length === 0) return trees;
  for (const name of names) {
    if (/[\s\0]/.test(name) || name.startsWith('-')) throw new AssetSyncError('USAGE', `not a language-repo ref: ${JSON.stringify(name)}`);
  }
  const result = await runGit(['cat-file', '--batch-check=%(objectname) %(objecttype)'], { cwd: repoRoot, input: names.map((n) => `${n}^{tree}`).join('\n') + '\n' });
  const lines = result.stdout.split('\n');
  names.forEach((name, i) => {
    const [oid, type] = (lines[i] ?? '').split(' ');
    if (oid && HEX40.test(oid) && type === 'tree') trees.set(name, oid);
  });
  return trees;
}

/** Files of each tree whose path `keep` accepts: tree -> [{ path, oid }]. One `ls-tree -r` per distinct tree. */
export async function filesInTrees(repoRoot: string, trees: string[], keep: (path: string) => boolean): Promise<Map<string, Array<{ path: string; oid: string }>>> {
  const listing = new Map<string, Array<{ path: string; oid: string }>>();
  for (const tree of new Set(trees)) {
    if (!HEX40.test(tree)) throw new AssetSyncError('GIT_FAILED', `not a tree id: ${tree}`);
    const listed = await runGit(['ls-tree', '-r', '-z', '--full-tree', tree], { cwd: repoRoot });
    const files: Array<{ path: string; oid: string }> = [];
    for (const record of listed.stdout.split('\0')) {
      const tab = record.indexOf('\t');
      if (tab < 0) continue;
      const path = record.slice(tab + 1);
      const [, type, oid] = record.slice(0, tab).split(' ');
      if (type === 'blob' && oid && keep(path)) files.push({ path, oid });
    }
    listing.set(tree, files);
  }
  return listing;
}

/** The contents of blobs of the language repo (one `cat-file --batch`). */
export async function readLanguageBlobs(repoRoot: string, oids: string[]): Promise<Map<string, Buffer>> {
  const blobs = new Map<string, Buffer>();
  const unique = [...new Set(oids)];
  if (unique.length === 0) return blobs;
  for (const oid of unique) if (!HEX40.test(oid)) throw new AssetSyncError('GIT_FAILED', `not a blob id: ${oid}`);
  const { stdoutBuffer } = await runGit(['cat-file', '--batch'], { cwd: repoRoot, input: unique.join('\n') + '\n' });
  for (const [oid, object] of parseCatFileBatch(stdoutBuffer, unique)) if (object.type === 'blob') blobs.set(oid, object.body);
  return blobs;
}
