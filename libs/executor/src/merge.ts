import { editAssetsJson, pinKey, pinOfText, setPin, tagNameOf, type Pin } from '@asset-sync/assets-json';
import { AssetSyncError, faultPoint, plural } from '@asset-sync/errors';
import { Store, acquireLock, changedFiles, listTreeFiles, localRefOf, setLocalRef, commitTree, withTemporaryIndex, type Identity, type IndexLine } from '@asset-sync/git-store';
import { assetsPathOf, shortSha } from '@asset-sync/planner';
import { commitIdentity } from './identity.js';
import { publishBranch, publishTags } from './publish.js';
import { tagPrefixFor } from './push.js';
import { hasFiles } from './errors.js';
import { findRestored, ownersIn, pendingOf, readCurrentState } from './status.js';
import type { PackageEntry, Workspace } from './types.js';
import { storeLocation } from './workspace.js';

export interface MergeOptions {
  workspace: Workspace;
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
  pin: Pin;
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
      if (!entry.settings) {
        report.skipped.push({ id: entry.path, reason: 'invalid assets.json' });
        continue;
      }
      // Local unpushed recordings would be left behind by a new pin: skip, say so.
      const found = await findRestored(workspace, entry, state);
      if (found && hasFiles(pendingOf(found.record, ownersIn(state, workspace, found.record.checkout), await changedFiles(found.checkoutDir, { readOnly: true })))) {
        report.skipped.push({ id: entry.path, reason: 'has local unpushed changes; push or reset them first' });
        continue;
      }
      const key = `${entry.settings.assetsRepo}\0${entry.settings.fallbackBranch}`;
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
  workspace: Workspace,
  assetsRepo: string,
  branch: string,
  entries: PackageEntry[],
  identity: Identity | undefined,
  dryRun: boolean,
  report: MergeReport,
): Promise<void> {
  const store = await Store.open(storeLocation(workspace, assetsRepo));
  for (let attempt = 1; ; attempt++) {
    const { base, members, changing, trees, paths, commits } = await readMembers(store, branch, entries, attempt === 1 ? report : undefined);
    let merged = base;
    let parents: string[] = [base];
    if (changing.length > 0) {
      const ancestry = await store.ancestry(commits);
      const pinned = [...new Set(changing.map((m) => m.commit))].filter((c) => c !== base && !(ancestry[base] ?? []).includes(c));
      parents = [base, ...pinned];
      if (!dryRun) merged = await writeMergedCommit(store, base, parents, changing, identity!, assetsRepo);
    }
    const mergedTrees = dryRun ? trees : await store.treeIds([merged], paths);
    const repin = membersToRepin(members, changing, mergedTrees[merged] ?? {}, merged, dryRun, report);
    if (dryRun) {
      for (const m of repin) report.moved.push({ id: m.entry.path, from: m.entry.settings!.pinText, to: changing.length > 0 ? '(merged commit)' : base });
      report.repos.push({ assetsRepo, branch, base, commit: merged, created: changing.length > 0, pushed: false, parents });
      return;
    }
    let pushed = false;
    await faultPoint('merge-commit');
    if (merged !== base) {
      try {
        await publishBranch(store, merged, branch);
        pushed = true;
      } catch (error) {
        // The branch moved since it was read: merge again on its new head.
        if (error instanceof AssetSyncError && error.code === 'PUSH_REJECTED' && attempt < MAX_ATTEMPTS) continue;
        throw error;
      }
    }
    await faultPoint('merge-push');
    await publishPins(store, assetsRepo, repin, merged, report);
    report.repos.push({ assetsRepo, branch, base, commit: merged, created: merged !== base, pushed, parents });
    return;
  }
}

interface MemberReading {
  /** The fallback branch head, fetched fresh. */
  base: string;
  members: Member[];
  /** The members whose folder differs from the base's, outer folders first. */
  changing: Member[];
  trees: Record<string, Record<string, string | null>>;
  paths: string[];
  commits: string[];
}

/** The branch head and each entry's pinned commit and folder tree; pins not found are skipped (in `report`, when given). */
async function readMembers(store: Store, branch: string, entries: PackageEntry[], report: MergeReport | undefined): Promise<MemberReading> {
  const head: Pin = { kind: 'branch-head', branch };
  // The branch head moves (that is the point), so it is always fetched fresh.
  const pins = entries.map((e) => e.settings!.pin);
  const local = await store.resolvePins(pins);
  const { missing } = await store.fetchPins([head, ...pins.filter((p) => !local.has(pinKey(p)))]);
  if (missing.has(pinKey(head))) throw missing.get(pinKey(head))!;
  const resolved = await store.resolvePins([head, ...pins]);
  const base = resolved.get(pinKey(head))!;
  const members: Member[] = [];
  for (const entry of entries) {
    const commit = resolved.get(pinKey(entry.settings!.pin));
    if (!commit) {
      report?.skipped.push({ id: entry.path, reason: missing.get(pinKey(entry.settings!.pin))?.message ?? 'pin not found' });
      continue;
    }
    members.push({ entry, pin: entry.settings!.pin, path: assetsPathOf(entry.settings!.prefix, entry.packagePath), commit, tree: null });
  }
  const paths = [...new Set(members.map((m) => m.path))];
  const commits = [...new Set([base, ...members.map((m) => m.commit)])];
  const trees = await store.treeIds(commits, paths);
  for (const m of members) m.tree = trees[m.commit]?.[m.path] ?? null;
  // Outer folders first, so a nested package's own pin wins inside its folder.
  const changing = members.filter((m) => (trees[base]?.[m.path] ?? null) !== m.tree).sort((a, b) => a.path.split('/').length - b.path.split('/').length || (a.path < b.path ? -1 : 1));
  return { base, members, changing, trees, paths, commits };
}

/** Repin only where the folder is identical in the merged commit (true by construction; checked anyway). */
function membersToRepin(members: Member[], changing: Member[], mergedTrees: Record<string, string | null>, merged: string, dryRun: boolean, report: MergeReport): Member[] {
  const repin: Member[] = [];
  for (const m of members) {
    const same = (dryRun && changing.includes(m)) || (mergedTrees[m.path] ?? null) === m.tree;
    if (!same) report.skipped.push({ id: m.entry.path, reason: `its folder differs in the merged commit (a nested package pins other content below ${m.path})` });
    else if (m.commit === merged && !dryRun) report.unchanged.push(m.entry.path);
    else if (m.commit === merged && dryRun && changing.length === 0) report.unchanged.push(m.entry.path);
    else repin.push(m);
  }
  return repin;
}

/** The merged commit: the base's tree with each changing package's folder replaced by its pinned subtree. */
async function writeMergedCommit(store: Store, base: string, parents: string[], changing: Member[], identity: Identity, assetsRepo: string): Promise<string> {
  const tree = await withTemporaryIndex(store.gitDir, base, async (index) => {
    for (const m of changing) {
      const lines: IndexLine[] = (await index.list(m.path)).map((path) => ({ path, blob: null }));
      if (m.tree) {
        // The pinned subtree's entries (ids only: no file content is needed to write a tree).
        const [files] = (await listTreeFiles(store, [m.tree])).values();
        for (const file of files ?? []) lines.push({ path: `${m.path}/${file.path}`, blob: { oid: file.oid, mode: file.mode } });
      }
      await index.update(lines);
    }
    return index.writeTree();
  });
  const message = `Merge ${plural(changing.length, 'pinned package folder')} into ${assetsRepo} (asset-sync merge).`;
  return commitTree(store.gitDir, tree, parents, message, identity);
}

/** Tags (one push for all) or SHAs for the repinned packages, then each assets.json in place. */
async function publishPins(store: Store, assetsRepo: string, repin: Member[], merged: string, report: MergeReport): Promise<void> {
  const tags = new Map(repin.filter((m) => m.entry.settings!.dialect === 'tag').map((m) => [m, tagNameOf(tagPrefixFor(m.entry.settings!, m.entry.packagePath), merged)] as const));
  if (tags.size > 0) await publishTags(store, merged, [...tags.values()], { assetsRepo });
  await setLocalRef(store, localRefOf({ kind: 'sha', sha: merged }), merged);
  for (const m of repin) {
    const settings = m.entry.settings!;
    const pin = tags.get(m) ?? merged;
    await editAssetsJson(m.entry.absPath!, (text) => setPin(text, pinOfText(settings.dialect, pin), m.entry.path));
    report.moved.push({ id: m.entry.path, from: settings.pinText, to: pin });
  }
}

export function describeMove(move: MergeMove): string {
  return `${move.id}: ${move.from || '(none)'} -> ${move.to.length === 40 ? shortSha(move.to) : move.to}`;
}
