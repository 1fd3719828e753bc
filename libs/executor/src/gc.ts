import picomatch from 'picomatch';
import { parseAssetsJson } from '@asset-sync/assets-json';
import { effectiveBranch } from '@asset-sync/discovery';
import { Store, acquireLock, listRemoteRefs, runGit } from '@asset-sync/git-store';
import { storeLocation, type OpenedWorkspace } from './workspace.js';

export interface GcOptions {
  workspace: OpenedWorkspace;
  /** for-each-ref patterns of the language-repo refs that matter; default every branch and tag. */
  languageRefs?: string[];
  delete?: boolean;
}

export interface GcRepoReport {
  assetsRepo: string;
  /** Remote refs no scanned assets.json references, that will go (or went, with --delete). */
  unreferenced: Array<{ ref: string; commit: string }>;
  /** Refs kept although unreferenced by name, because a referenced commit is only reachable through them. */
  keptForReachability: string[];
  /** Objects reachable only from the unreferenced refs, and their size. */
  objects: number;
  bytes: number;
  deleted: string[];
}

export interface GcReport {
  dryRun: boolean;
  /** Language-repo refs read. */
  scannedRefs: number;
  /** Distinct assets.json versions read across them. */
  assetsJsonVersions: number;
  repos: GcRepoReport[];
}

/**
 * Lists the assets-repo tags and auto/* branches that no assets.json references on any
 * language-repo ref that matters (read with git, nothing checked out), and the bytes they alone
 * hold. Deletes them only with `delete`. The design's hard rule holds: a commit referenced from
 * any scanned ref keeps a ref that reaches it, so it keeps existing.
 */
export async function gc(options: GcOptions): Promise<GcReport> {
  const { workspace } = options;
  const patterns = options.languageRefs?.length ? options.languageRefs : ['refs/heads/', 'refs/remotes/', 'refs/tags/'];
  const refs = (await runGit(['for-each-ref', '--format=%(refname)', ...patterns], { cwd: workspace.repoRoot })).stdout.split('\n').filter((r) => r && !r.endsWith('/HEAD'));
  const matchers = workspace.config.discovery.globs.map((g) => picomatch(g, { dot: true }));
  // Each ref's root tree; refs sharing a tree are listed once.
  const roots = await runGit(['cat-file', '--batch-check=%(objectname)'], { cwd: workspace.repoRoot, input: refs.map((r) => `${r}^{tree}`).join('\n') + '\n' });
  const trees = [...new Set(roots.stdout.split('\n').filter((l) => /^[0-9a-f]{40}$/.test(l)))];
  const files = new Map<string, string>(); // blob oid -> a path it was found at
  for (const tree of trees) {
    const listed = await runGit(['ls-tree', '-r', '-z', '--full-tree', tree], { cwd: workspace.repoRoot });
    for (const record of listed.stdout.split('\0')) {
      const tab = record.indexOf('\t');
      if (tab < 0) continue;
      const path = record.slice(tab + 1);
      const [, type, oid] = record.slice(0, tab).split(' ');
      if (type === 'blob' && oid && path.endsWith('assets.json') && matchers.some((m) => m(path)) && !files.has(oid)) files.set(oid, path);
    }
  }
  const referenced = new Map<string, { tags: Set<string>; shas: Set<string>; branches: Set<string> }>();
  const blobs = [...files.keys()];
  const content = blobs.length ? (await runGit(['cat-file', '--batch'], { cwd: workspace.repoRoot, input: blobs.join('\n') + '\n' })).stdoutBuffer : Buffer.alloc(0);
  let at = 0;
  for (const oid of blobs) {
    const newline = content.indexOf(10, at);
    const size = Number(content.subarray(at, newline).toString('latin1').split(' ')[2]);
    const text = content.subarray(newline + 1, newline + 1 + size).toString('utf8');
    at = newline + 1 + size + 1;
    const path = files.get(oid)!;
    const parsed = parseAssetsJson(text, path);
    if (!parsed.ok) continue;
    const value = parsed.value;
    const refsOf = referenced.get(value.assetsRepo) ?? { tags: new Set(), shas: new Set(), branches: new Set() };
    referenced.set(value.assetsRepo, refsOf);
    if (value.tag) refsOf.tags.add(value.tag);
    if (value.sha) refsOf.shas.add(value.sha);
    if (value.dialect === 'branch') {
      const packagePath = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
      const branch = effectiveBranch(packagePath, value.branch);
      if ('branch' in branch) refsOf.branches.add(branch.branch);
      refsOf.branches.add(value.fallbackBranch);
    }
  }

  const report: GcReport = { dryRun: options.delete !== true, scannedRefs: refs.length, assetsJsonVersions: files.size, repos: [] };
  const release = options.delete ? await acquireLock(workspace.assetsDir) : async (): Promise<void> => undefined;
  try {
    for (const [assetsRepo, used] of [...referenced].sort(([a], [b]) => (a < b ? -1 : 1))) {
      report.repos.push(await gcRepo(workspace, assetsRepo, used, options.delete === true));
    }
  } finally {
    await release();
  }
  return report;
}

async function gcRepo(workspace: OpenedWorkspace, assetsRepo: string, used: { tags: Set<string>; shas: Set<string>; branches: Set<string> }, doDelete: boolean): Promise<GcRepoReport> {
  const store = await Store.open(storeLocation(workspace, assetsRepo));
  const remote = await listRemoteRefs(store, { tags: true, heads: true });
  // Everything the server has, commits and trees only, under a private namespace for this walk.
  const spec = [...remote.keys()].map((ref) => `+${ref}:refs/asset-sync/gc/${ref.slice('refs/'.length)}`).join('\n') + '\n';
  await store.git(['fetch', '--filter=blob:none', '--no-tags', '--no-write-fetch-head', '--stdin', 'origin'], { input: spec, network: true });
  const candidates = new Map<string, string>();
  const kept = new Map<string, string>();
  for (const [ref, commit] of remote) {
    const tag = ref.startsWith('refs/tags/') ? ref.slice('refs/tags/'.length) : undefined;
    const head = ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : undefined;
    const unreferenced = tag !== undefined ? !used.tags.has(tag) && !used.shas.has(commit) : head !== undefined && head.startsWith('auto/') && !used.branches.has(head) && !used.shas.has(commit);
    (unreferenced ? candidates : kept).set(ref, commit);
  }
  // A referenced commit must stay reachable from a kept ref: keep the candidates that carry one.
  const keptForReachability: string[] = [];
  const referencedCommits = [...used.shas, ...[...used.tags].map((t) => remote.get(`refs/tags/${t}`)).filter((c): c is string => Boolean(c))];
  for (;;) {
    const reachable = await reachableCommits(store, [...kept.values()]);
    const orphaned = referencedCommits.filter((c) => !reachable.has(c));
    if (orphaned.length === 0 || candidates.size === 0) break;
    let moved = false;
    for (const [ref, commit] of candidates) {
      const history = await reachableCommits(store, [commit]);
      if (orphaned.some((c) => history.has(c))) {
        candidates.delete(ref);
        kept.set(ref, commit);
        keptForReachability.push(ref);
        moved = true;
      }
    }
    if (!moved) break;
  }
  const exclusive = candidates.size
    ? (await store.git(['rev-list', '--objects', '--no-object-names', '--missing=print', ...new Set(candidates.values()), '--not', ...new Set(kept.values())])).stdout.split('\n').filter(Boolean)
    : [];
  const missingBlobs = exclusive.filter((l) => l.startsWith('?')).map((l) => l.slice(1));
  if (missingBlobs.length > 0) await store.fetchObjects(missingBlobs);
  const ids = exclusive.map((l) => l.replace(/^\?/, ''));
  let bytes = 0;
  if (ids.length > 0) {
    const sizes = await store.git(['cat-file', '--batch-check=%(objectsize)'], { input: ids.join('\n') + '\n' });
    bytes = sizes.stdout.split('\n').filter(Boolean).reduce((sum, s) => sum + (Number(s) || 0), 0);
  }
  const deleted: string[] = [];
  if (doDelete && candidates.size > 0) {
    const refs = [...candidates.keys()];
    for (let i = 0; i < refs.length; i += 500) {
      const chunk = refs.slice(i, i + 500);
      await store.git(['push', '--porcelain', 'origin', ...chunk.map((r) => `:${r}`)], { network: true });
      deleted.push(...chunk);
    }
  }
  await clearGcNamespace(store);
  return {
    assetsRepo,
    unreferenced: [...candidates].map(([ref, commit]) => ({ ref, commit })).sort((a, b) => (a.ref < b.ref ? -1 : 1)),
    keptForReachability: keptForReachability.sort(),
    objects: ids.length,
    bytes,
    deleted,
  };
}

async function reachableCommits(store: Store, tips: string[]): Promise<Set<string>> {
  if (tips.length === 0) return new Set();
  const result = await store.git(['rev-list', '--stdin'], { input: [...new Set(tips)].join('\n') + '\n' });
  return new Set(result.stdout.split('\n').filter(Boolean));
}

async function clearGcNamespace(store: Store): Promise<void> {
  const listed = await store.git(['for-each-ref', '--format=%(refname)', 'refs/asset-sync/gc/']);
  const refs = listed.stdout.split('\n').filter(Boolean);
  if (refs.length > 0) await store.git(['update-ref', '--stdin'], { input: refs.map((r) => `delete ${r}\n`).join('') });
}
