import { readFile, rename, writeFile } from 'node:fs/promises';
import picomatch from 'picomatch';
import { parseAssetsJson, setPin } from '@asset-sync/assets-json';
import { AssetSyncError } from '@asset-sync/errors';
import { effectiveBranch } from '@asset-sync/discovery';
import {
  Store,
  acquireLock,
  changedFiles,
  listRemoteRefs,
  pushRef,
  pushRefs,
  runGit,
  setLocalRef,
  commitTree,
  withTemporaryIndex,
  type Identity,
  type IndexLine,
} from '@asset-sync/git-store';
import { assetsPathOf, pinKey, shortSha, type PinRef } from '@asset-sync/planner';
import { crashPoint } from './crash.js';
import { commitIdentity } from './identity.js';
import { derivedTagPrefix } from './push.js';
import { hasFiles } from './errors.js';
import { findRestored, ownersIn, pendingOf, readCurrentState } from './status.js';
import type { PackageEntry } from './types.js';
import type { OpenedWorkspace } from './workspace.js';

export interface MergeOptions {
  workspace: OpenedWorkspace;
  /** Every assets.json of the language repo (the current branch). */
  entries: PackageEntry[];
  dryRun?: boolean;
  env?: NodeJS.ProcessEnv;
}

export interface MergeMove {
  id: string;
  from: string;
  to: string;
}

export interface MergeRepoReport {
  assetsRepo: string;
  branch: string;
  /** The fallback branch head the merge started from. */
  base: string;
  /** The merged commit: the new head of the branch, or the base when no content had to move. */
  commit: string;
  created: boolean;
  pushed: boolean;
  parents: string[];
}

export interface MergeReport {
  dryRun: boolean;
  repos: MergeRepoReport[];
  /** Repinned to the merged commit. */
  moved: MergeMove[];
  /** Already pinned to the merged commit. */
  unchanged: string[];
  /** Left as they are, and why. */
  skipped: Array<{ id: string; reason: string }>;
}

interface Member {
  entry: PackageEntry;
  pin: PinRef;
  path: string;
  commit: string;
  tree: string | null;
}

const MAX_ATTEMPTS = 3;

/**
 * Folds every pin of the language repo's current branch into one commit on top of the assets
 * repo's fallback branch: for each package folder, exactly the subtree its pin has; everything
 * else as on the branch. The branch is moved to it (retrying if it moved meanwhile), and each
 * assets.json is repinned only where the subtree at its folder is identical in the merged commit.
 * After it, a restore of the whole repo needs one checkout per assets repo.
 */
export async function merge(options: MergeOptions): Promise<MergeReport> {
  const { workspace } = options;
  const dryRun = options.dryRun === true;
  const report: MergeReport = { dryRun, repos: [], moved: [], unchanged: [], skipped: [] };
  const identity = dryRun ? undefined : await commitIdentity(workspace.repoRoot, options.env);
  const release = await acquireLock(workspace.assetsDir);
  try {
    const state = await readCurrentState(workspace);
    const groups = new Map<string, PackageEntry[]>();
    for (const entry of options.entries) {
      if (!entry.target) {
        report.skipped.push({ id: entry.path, reason: 'invalid assets.json' });
        continue;
      }
      // Local unpushed recordings would be left behind by a new pin: skip, say so.
      const found = await findRestored(workspace, entry, state);
      if (found && hasFiles(pendingOf(found.record, ownersIn(state, workspace, found.record.checkout), await changedFiles(found.checkoutDir, { readOnly: true })))) {
        report.skipped.push({ id: entry.path, reason: 'has local unpushed changes; push or reset them first' });
        continue;
      }
      const key = `${entry.target.assetsRepo}\0${entry.target.fallbackBranch}`;
      groups.set(key, [...(groups.get(key) ?? []), entry]);
    }
    for (const [key, entries] of [...groups].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const [assetsRepo, branch] = key.split('\0') as [string, string];
      await mergeRepo(workspace, assetsRepo, branch, entries, identity, dryRun, report);
    }
    for (const list of [report.moved, report.skipped]) list.sort((a, b) => (a.id < b.id ? -1 : 1));
    report.unchanged.sort();
    return report;
  } finally {
    await release();
  }
}

async function mergeRepo(
  workspace: OpenedWorkspace,
  assetsRepo: string,
  branch: string,
  entries: PackageEntry[],
  identity: Identity | undefined,
  dryRun: boolean,
  report: MergeReport,
): Promise<void> {
  const store = await Store.open({ assetsDir: workspace.assetsDir, assetsRepo, url: workspace.remoteUrl(assetsRepo) });
  const head: PinRef = { kind: 'branch-head', branch };
  for (let attempt = 1; ; attempt++) {
    // The branch head moves (that is the point), so it is always fetched fresh.
    const pins = entries.map((e) => e.target!.pin);
    const local = await store.resolvePins(pins);
    const { missing } = await store.fetchPins([head, ...pins.filter((p) => !local.has(pinKey(p)))]);
    if (missing.has(pinKey(head))) throw missing.get(pinKey(head))!;
    const resolved = await store.resolvePins([head, ...pins]);
    const base = resolved.get(pinKey(head))!;
    const members: Member[] = [];
    for (const entry of entries) {
      const commit = resolved.get(pinKey(entry.target!.pin));
      if (!commit) {
        if (attempt === 1) report.skipped.push({ id: entry.path, reason: missing.get(pinKey(entry.target!.pin))?.message ?? 'pin not found' });
        continue;
      }
      members.push({ entry, pin: entry.target!.pin, path: assetsPathOf(entry.target!.prefix, entry.packagePath), commit, tree: null });
    }
    const paths = [...new Set(members.map((m) => m.path))];
    const commits = [...new Set([base, ...members.map((m) => m.commit)])];
    const trees = await store.treeIds(commits, paths);
    for (const m of members) m.tree = trees[m.commit]?.[m.path] ?? null;
    // Outer folders first, so a nested package's own pin wins inside its folder.
    const changing = members.filter((m) => (trees[base]?.[m.path] ?? null) !== m.tree).sort((a, b) => a.path.split('/').length - b.path.split('/').length || (a.path < b.path ? -1 : 1));

    let merged = base;
    let parents: string[] = [base];
    if (changing.length > 0) {
      const ancestry = await store.ancestry(commits);
      const pinned = [...new Set(changing.map((m) => m.commit))].filter((c) => c !== base && !(ancestry[base] ?? []).includes(c));
      parents = [base, ...pinned];
      if (dryRun) {
        merged = base;
      } else {
        merged = await writeMergedCommit(store, base, parents, changing, identity!, assetsRepo);
      }
    }
    const mergedTrees = dryRun ? trees : await store.treeIds([merged], paths);
    // Repin only where the folder is identical in the merged commit (true by construction; checked anyway).
    const repin: Member[] = [];
    for (const m of members) {
      const same = (dryRun && changing.includes(m)) || (mergedTrees[merged]?.[m.path] ?? null) === m.tree;
      if (!same) report.skipped.push({ id: m.entry.path, reason: `its folder differs in the merged commit (a nested package pins other content below ${m.path})` });
      else if (m.commit === merged && !dryRun) report.unchanged.push(m.entry.path);
      else if (m.commit === merged && dryRun && changing.length === 0) report.unchanged.push(m.entry.path);
      else repin.push(m);
    }
    if (dryRun) {
      for (const m of repin) report.moved.push({ id: m.entry.path, from: m.entry.target!.pinText, to: changing.length > 0 ? '(merged commit)' : base });
      report.repos.push({ assetsRepo, branch, base, commit: merged, created: changing.length > 0, pushed: false, parents });
      return;
    }
    let pushed = false;
    crashPoint('merge-commit');
    if (merged !== base) {
      try {
        await pushRef(store, merged, `refs/heads/${branch}`);
        pushed = true;
      } catch (error) {
        // The branch moved since it was read: merge again on its new head.
        if (error instanceof AssetSyncError && error.code === 'PUSH_REJECTED' && attempt < MAX_ATTEMPTS) continue;
        throw error;
      }
      await setLocalRef(store, `refs/remotes/origin/${branch}`, merged);
    }
    crashPoint('merge-push');
    await publishPins(store, repin, merged, report);
    report.repos.push({ assetsRepo, branch, base, commit: merged, created: merged !== base, pushed, parents });
    return;
  }
}

/** The merged commit: the base's tree with each changing package's folder replaced by its pinned subtree. */
async function writeMergedCommit(store: Store, base: string, parents: string[], changing: Member[], identity: Identity, assetsRepo: string): Promise<string> {
  const tree = await withTemporaryIndex(store.gitDir, base, async (index) => {
    for (const m of changing) {
      const lines: IndexLine[] = (await index.list(m.path)).map((path) => ({ path, blob: null }));
      if (m.tree) {
        // The pinned subtree's entries (ids only: no file content is needed to write a tree).
        const entries = await store.git(['ls-tree', '-r', '-z', m.tree]);
        for (const record of entries.stdout.split('\0')) {
          const tab = record.indexOf('\t');
          if (tab < 0) continue;
          const [mode, , oid] = record.slice(0, tab).split(' ');
          lines.push({ path: `${m.path}/${record.slice(tab + 1)}`, blob: { oid: oid!, mode: mode! } });
        }
      }
      await index.update(lines);
    }
    return index.writeTree();
  });
  const message = `Merge ${changing.length} pinned package folder${changing.length === 1 ? '' : 's'} into ${assetsRepo} (asset-sync merge).`;
  return commitTree(store.gitDir, tree, parents, message, identity);
}

/** Tags (one push for all) or SHAs for the repinned packages, then each assets.json in place. */
async function publishPins(store: Store, repin: Member[], merged: string, report: MergeReport): Promise<void> {
  const tagged = repin.filter((m) => m.entry.target!.dialect === 'tag');
  const tags = tagged.map((m) => ({ member: m, tag: `${m.entry.target!.tagPrefix ?? derivedTagPrefix(m.entry.target!.prefix, m.entry.packagePath)}_${merged.slice(0, 10)}` }));
  if (tags.length > 0) {
    const remote = await listRemoteRefs(store, { patterns: tags.map((t) => `refs/tags/${t.tag}`) });
    const missing = tags.filter((t) => remote.get(`refs/tags/${t.tag}`) !== merged);
    const outcomes = await pushRefs(store, missing.map((t) => ({ ref: `refs/tags/${t.tag}`, oid: merged })), { atomic: false });
    for (const o of outcomes) if (o.status === 'rejected') throw new AssetSyncError('PUSH_REJECTED', `${o.ref}: ${o.reason ?? 'rejected'}`);
    for (const t of tags) await setLocalRef(store, `refs/tags/${t.tag}`, merged);
  }
  await setLocalRef(store, `refs/asset-sync/pins/${merged}`, merged);
  for (const m of repin) {
    const target = m.entry.target!;
    const pin = target.dialect === 'tag' ? tags.find((t) => t.member === m)!.tag : merged;
    const file = m.entry.absPath!;
    const text = setPin(await readFile(file, 'utf8'), target.dialect === 'tag' ? { kind: 'tag', tag: pin } : { kind: 'sha', sha: pin }, m.entry.path);
    await writeFile(`${file}.asset-sync.tmp`, text);
    await rename(`${file}.asset-sync.tmp`, file);
    report.moved.push({ id: m.entry.path, from: target.pinText, to: pin });
  }
}

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
  const store = await Store.open({ assetsDir: workspace.assetsDir, assetsRepo, url: workspace.remoteUrl(assetsRepo) });
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

export function describeMove(move: MergeMove): string {
  return `${move.id}: ${move.from || '(none)'} -> ${move.to.length === 40 ? shortSha(move.to) : move.to}`;
}

