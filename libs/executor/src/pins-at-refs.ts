import picomatch from 'picomatch';
import { parseAssetsJson, type AssetsJson } from '@asset-sync/assets-json';
import { AssetSyncError } from '@asset-sync/errors';
import { filesInTrees, languageRefs, languageTrees, readLanguageBlobs } from '@asset-sync/git-store';
import type { Workspace } from './types.js';

/** One assets.json as a language-repo ref has it. */
export interface AssetsJsonAtRef {
  /** The language-repo refs (or names) whose tree has this version of the file. */
  refs: string[];
  /** Its path in the language repo: the package's id. */
  path: string;
  value: AssetsJson;
}

export interface PinsAtRefs {
  /** Every valid assets.json version found, one entry per (path, content). */
  files: AssetsJsonAtRef[];
  /** Language-repo refs read. */
  refs: string[];
  /** Distinct assets.json versions read across them (invalid ones included). */
  versions: number;
}

/**
 * The assets.json files at other language-repo refs (release tags, other branches), read with
 * git: nothing is checked out. A spec with `*` or a trailing `/` is a for-each-ref pattern
 * (`refs/tags/release/`), anything else a name git resolves (`release/1.0.0`, `origin/main`).
 *
 * @throws AssetSyncError USAGE for a name that resolves to nothing.
 */
export async function pinsAtRefs(workspace: Workspace, specs: string[], keepPath: (path: string) => boolean = () => true): Promise<PinsAtRefs> {
  const patterns = specs.filter((s) => s.includes('*') || s.endsWith('/'));
  const names = [...new Set([...specs.filter((s) => !patterns.includes(s)), ...(patterns.length ? await languageRefs(workspace.repoRoot, patterns) : [])])];
  const trees = await languageTrees(workspace.repoRoot, names);
  const unknown = specs.filter((s) => !patterns.includes(s) && !trees.has(s));
  if (unknown.length > 0) {
    throw new AssetSyncError('USAGE', `not a ref of the language repo: ${unknown.join(', ')}`, { hint: 'Name a branch, a tag or a commit (git rev-parse must know it), or a pattern such as "refs/tags/release/".' });
  }
  const matchers = workspace.config.discovery.globs.map((g) => picomatch(g, { dot: true }));
  const isAssetsJson = (path: string): boolean => path.endsWith('assets.json') && matchers.some((m) => m(path)) && keepPath(path);
  const listed = await filesInTrees(workspace.repoRoot, [...new Set(trees.values())], isAssetsJson);
  // (path, blob) -> the refs that have it: a file unchanged across refs is parsed once.
  const versions = new Map<string, { path: string; oid: string; refs: string[] }>();
  for (const [name, tree] of trees) {
    for (const file of listed.get(tree) ?? []) {
      const key = `${file.path}\0${file.oid}`;
      const version = versions.get(key) ?? { ...file, refs: [] };
      version.refs.push(name);
      versions.set(key, version);
    }
  }
  const blobs = await readLanguageBlobs(workspace.repoRoot, [...versions.values()].map((v) => v.oid));
  const files: AssetsJsonAtRef[] = [];
  for (const version of versions.values()) {
    const parsed = parseAssetsJson(blobs.get(version.oid)?.toString('utf8') ?? '', version.path);
    if (parsed.ok) files.push({ refs: version.refs, path: version.path, value: parsed.value });
  }
  return { files, refs: names, versions: new Set([...versions.values()].map((v) => v.oid)).size };
}
