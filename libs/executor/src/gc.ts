import { effectiveBranch } from '@asset-sync/discovery';
import { AssetSyncError, faultPoint } from '@asset-sync/errors';
import {
  Store,
  acquireLock,
  clearLocalRefs,
  commitDates,
  deleteRemoteRefs,
  fetchRefsInto,
  listRemoteRefs,
  objectSizes,
  objectsBetween,
  reachableCommits,
} from '@asset-sync/git-store';
import { planRetention, type ReferencedPins, type RemoteRefFact } from '@asset-sync/planner';
import { backupRefs, previewBackup, type BackupReport, type BackupTarget } from './gc-backup.js';
import { pinsAtRefs } from './pins-at-refs.js';
import { storeLocation } from './workspace.js';
import type { Workspace } from './types.js';

export interface GcOptions {
  workspace: Workspace;
  /** for-each-ref patterns of the language-repo refs that matter; default every branch and tag. */
  languageRefs?: string[];
  delete?: boolean;
  /**
   * Where every ref to be deleted is copied first. With `delete`, required unless `noBackup`: a
   * backup that fails deletes nothing.
   */
  backup?: BackupTarget;
  noBackup?: boolean;
  /** Only refs whose commit is older than this many seconds go. */
  olderThanSeconds?: number;
  /** Seconds since the epoch (tests). */
  now?: number;
}

export interface GcRepoReport {
  assetsRepo: string;
  /** Remote refs no scanned assets.json references, that will go (or went, with --delete). */
  unreferenced: Array<{ ref: string; commit: string }>;
  /** Refs kept although unreferenced by name, because a referenced commit is only reachable through them. */
  keptForReachability: string[];
  /** Unreferenced refs kept because their commit is newer than --older-than. */
  keptTooRecent: string[];
  /** Objects reachable only from the unreferenced refs. */
  objects: number;
  /** Their size; null when some are file contents the store has not downloaded (a dry run never does). */
  bytes: number | null;
  /** The size of those the store has (commits and trees, and any file contents it holds). */
  knownBytes: number;
  /** How many of them are file contents whose size is unknown without downloading them. */
  unknownObjects: number;
  backup?: BackupReport;
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
 * language-repo ref that matters (read with git, nothing checked out), and what they alone hold.
 * Deletes them only with `delete`, and only after `backup` holds a verified copy of every one.
 * The design's hard rule holds: a commit referenced from any scanned ref keeps a ref that reaches
 * it, so it keeps existing.
 */
export async function gc(options: GcOptions): Promise<GcReport> {
  const { workspace } = options;
  if (options.delete && !options.backup && !options.noBackup) {
    throw new AssetSyncError('USAGE', 'gc --delete needs a copy of what it deletes first: --backup <remote | file.bundle>', {
      hint: 'Pass --backup backup-owner/azure-sdk-assets-backup or --backup gc-2024-06.bundle (or --no-backup to delete without a copy).',
    });
  }
  const scanned = await pinsAtRefs(workspace, options.languageRefs?.length ? options.languageRefs : ['refs/heads/', 'refs/remotes/', 'refs/tags/']);
  const referenced = new Map<string, ReferencedPins>();
  for (const { path, value } of scanned.files) {
    const used = referenced.get(value.assetsRepo) ?? { tags: [], shas: [], branches: [] };
    referenced.set(value.assetsRepo, used);
    if (value.tag) used.tags.push(value.tag);
    if (value.sha) used.shas.push(value.sha);
    if (value.dialect === 'branch') {
      const branch = effectiveBranch(path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '', value.branch);
      if ('branch' in branch) used.branches.push(branch.branch);
      used.branches.push(value.fallbackBranch);
    }
  }
  const repos = [...referenced.keys()].sort();
  if (options.backup?.kind === 'remote' && repos.length > 1) {
    throw new AssetSyncError('USAGE', `--backup ${options.backup.name} would receive the refs of ${repos.length} assets repos (${repos.join(', ')})`, {
      hint: 'Back up to a bundle file (one is written per assets repo), or limit --language-refs to one assets repo\'s packages.',
    });
  }
  const report: GcReport = { dryRun: options.delete !== true, scannedRefs: scanned.refs.length, assetsJsonVersions: scanned.versions, repos: [] };
  const release = options.delete ? await acquireLock(workspace.assetsDir) : async (): Promise<void> => undefined;
  try {
    for (const assetsRepo of repos) {
      const backup = options.backup && bundlePerRepo(options.backup, assetsRepo, repos.length);
      report.repos.push(await gcRepo(workspace, assetsRepo, referenced.get(assetsRepo)!, { ...options, ...(backup ? { backup } : {}) }));
    }
  } finally {
    await release();
  }
  return report;
}

/** One bundle per assets repo: `<name>.bundle` for one, `<name>.<owner>.<repo>.bundle` for several. */
function bundlePerRepo(backup: BackupTarget, assetsRepo: string, repos: number): BackupTarget {
  if (backup.kind !== 'bundle' || repos === 1) return backup;
  return { kind: 'bundle', file: backup.file.replace(/\.bundle$/, `.${assetsRepo.replace('/', '.')}.bundle`) };
}

const GC_NAMESPACE = 'refs/asset-sync/gc/';

async function gcRepo(workspace: Workspace, assetsRepo: string, used: ReferencedPins, options: GcOptions): Promise<GcRepoReport> {
  const store = await Store.open(storeLocation(workspace, assetsRepo));
  const remote = await listRemoteRefs(store, { tags: true, heads: true });
  // Everything the server has, commits and trees only, under a private namespace for this walk.
  await fetchRefsInto(store, [...remote.keys()].map((ref) => ({ ref, local: `${GC_NAMESPACE}${ref.slice('refs/'.length)}` })));
  try {
    const refs: RemoteRefFact[] = [...remote].map(([ref, commit]) => ({ ref, commit }));
    const now = options.now ?? Math.floor(Date.now() / 1000);
    const dates = options.olderThanSeconds === undefined ? undefined : Object.fromEntries(await commitDates(store, refs.map((r) => r.commit)));
    const plan = planRetention({ refs, used, now, ...(dates ? { dates } : {}), ...(options.olderThanSeconds !== undefined ? { olderThanSeconds: options.olderThanSeconds } : {}) });
    const candidates = new Map(plan.candidates.map((c) => [c.ref, c.commit]));
    const kept = new Map(plan.kept.map((k) => [k.ref, k.commit]));
    const keptForReachability = await keepReachable(store, used, remote, candidates, kept);
    const exclusive = await objectsBetween(store, [...candidates.values()], [...kept.values()]);
    const unreferenced = [...candidates].map(([ref, commit]) => ({ ref, commit })).sort((a, b) => (a.ref < b.ref ? -1 : 1));
    const result: GcRepoReport = {
      assetsRepo,
      unreferenced,
      keptForReachability: keptForReachability.sort(),
      keptTooRecent: plan.kept.filter((k) => k.why === 'too-recent').map((k) => k.ref),
      objects: exclusive.present.length + exclusive.missing.length,
      bytes: null,
      knownBytes: await objectSizes(store, exclusive.present),
      unknownObjects: exclusive.missing.length,
      deleted: [],
    };
    if (exclusive.missing.length === 0) result.bytes = result.knownBytes;
    if (!options.delete || unreferenced.length === 0) {
      if (options.backup && unreferenced.length > 0) result.backup = await previewBackup(store, options.backup, unreferenced, exclusive);
      return result;
    }
    if (options.backup) {
      result.backup = await backupRefs(store, options.backup, unreferenced, [...kept.values()]);
      // The backup brought the file contents in, so the size is now known.
      result.bytes = await objectSizes(store, [...exclusive.present, ...exclusive.missing]);
      result.knownBytes = result.bytes;
      result.unknownObjects = 0;
    }
    await faultPoint('gc-backup');
    result.deleted = await deleteRemoteRefs(store, unreferenced.map((u) => u.ref));
    return result;
  } finally {
    await clearLocalRefs(store, GC_NAMESPACE);
  }
}

/** A referenced commit must stay reachable from a kept ref: keeps the candidates that carry one. */
async function keepReachable(store: Store, used: ReferencedPins, remote: Map<string, string>, candidates: Map<string, string>, kept: Map<string, string>): Promise<string[]> {
  const keptForReachability: string[] = [];
  const referencedCommits = [...used.shas, ...used.tags.map((t) => remote.get(`refs/tags/${t}`)).filter((c): c is string => Boolean(c))];
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
  return keptForReachability;
}
