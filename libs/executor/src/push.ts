import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setPin, setField } from '@asset-sync/assets-json';
import { AssetSyncError } from '@asset-sync/errors';
import { discoverOne } from '@asset-sync/discovery';
import {
  Store,
  acquireLock,
  buildCommit,
  changedFiles,
  hasPendingChanges,
  pendingChanges,
  pushRef,
  remoteRef,
  setLocalRef,
  type FileChange,
  type Identity,
  type PendingChanges,
} from '@asset-sync/git-store';
import { isSameOrBelow, shortSha } from '@asset-sync/planner';
import { crashPoint } from './crash.js';
import { commitIdentity } from './identity.js';
import { restore, describeChanges } from './restore.js';
import { describeFinding, scanFiles } from './secrets.js';
import { readState } from './state.js';
import { findRestored } from './status.js';
import type { PackageEntry, RestoreReport } from './types.js';
import { toPackageEntry, type OpenedWorkspace } from './workspace.js';

export interface PushOptions {
  workspace: OpenedWorkspace;
  entry: PackageEntry;
  /** Other assets.json files (nested ones are excluded from this package). */
  context?: PackageEntry[];
  /** Files (as the scan prints them) whose findings were reviewed and are not secrets. */
  allowSecrets?: string[];
  env?: NodeJS.ProcessEnv;
}

export interface PushReport {
  id: string;
  status: 'pushed' | 'nothing-to-push';
  /** One sentence saying what happened, including what was compared. */
  message: string;
  previousPin: string;
  /** The new Tag or SHA. */
  pin?: string;
  commit?: string;
  parent?: string;
  /** Where it was published: refs/tags/<tag> or refs/heads/<branch>. */
  ref?: string;
  /** The server already had that ref at this commit (a re-run after an interruption). */
  alreadyOnServer?: boolean;
  changes: PendingChanges;
  compared: { folder: string; commit: string };
  /** Branch dialect: how many times the commit was rebuilt because the branch moved. */
  attempts?: number;
  /** The restore that moved the package's checkout to the new pin. */
  restore?: Pick<RestoreReport, 'ok' | 'summary'>;
}

/** What a push that stopped after building its commit left behind, so a re-run can finish it. */
interface PushJournal {
  id: string;
  assetsRepo: string;
  previousPin: string;
  parent: string;
  commit: string;
  tree: string;
  ref: string;
  pin: string;
}

const MAX_ATTEMPTS = 3;

/**
 * Publishes a package's pending recording changes: one commit in which only the package's folder
 * changes, a tag (or a branch update), then the new pin written into assets.json in place. Every
 * step before the pin is written can fail or be killed without touching the local recordings or
 * assets.json; running push again finishes the job.
 */
export async function push(options: PushOptions): Promise<PushReport> {
  const { workspace, entry } = options;
  const target = entry.target;
  if (!target || !entry.absPath) {
    throw new AssetSyncError('ASSETS_JSON_INVALID', `${entry.path} is not a valid assets.json`, {
      problems: entry.problems,
      hint: 'Fix the fields listed; `asset-sync discover` shows every problem.',
    });
  }
  const identity = await commitIdentity(workspace.repoRoot, options.env);
  const release = await acquireLock(workspace.assetsDir);
  try {
    const state = await readState(workspace.assetsDir);
    const found = await findRestored(workspace, entry, state);
    const dir = entry.packagePath || '.';
    if (!found) {
      throw new AssetSyncError('NOT_RESTORED', `${entry.path} is not restored, so there is nothing to push from`, { hint: `Run: asset-sync restore ${dir}, record, then push.` });
    }
    if (!found.upToDate) {
      throw new AssetSyncError('NOT_RESTORED', `${entry.path} names another pin than the one restored; pushing now would drop the changes in the newer pin`, {
        hint: `Run: asset-sync restore ${dir} first (it keeps your pending changes unless the pin change touches them).`,
      });
    }
    const { record, checkoutDir, locate } = found;
    const folder = join(locate, entry.packagePath);
    const compared = { folder, commit: record.commit };
    const store = await Store.open({ assetsDir: workspace.assetsDir, assetsRepo: record.assetsRepo, url: workspace.remoteUrl(record.assetsRepo) });
    const changes = await pendingChanges(checkoutDir, record.path, record.excludes);
    const journalFile = journalPath(workspace.assetsDir, entry.path);
    const journal = await readJournal(journalFile, entry.path, target.pinText);

    if (!hasPendingChanges(changes) && !journal) {
      return {
        id: entry.path,
        status: 'nothing-to-push',
        message: `Nothing to push: the files in ${folder} are the same as ${target.pinText ? `${target.dialect === 'tag' ? 'Tag' : 'SHA'} ${target.pinText}` : 'the fallback branch head'} (commit ${shortSha(record.commit)}); no commit, no tag.`,
        previousPin: target.pinText,
        changes,
        compared,
      };
    }
    scanForSecrets(checkoutDir, record.prefix, changes, options.allowSecrets ?? []);

    const fileChanges: FileChange[] = [
      ...[...changes.added, ...changes.modified].map((path) => ({ path, action: 'write' as const })),
      ...changes.deleted.map((path) => ({ path, action: 'delete' as const })),
    ];
    const message = `Recordings of ${entry.packagePath || entry.path} pushed by asset-sync.`;
    let built: { commit: string; tree: string; parent: string; ref: string; pin: string } | undefined;
    let alreadyOnServer = false;
    let attempts = 0;

    if (target.dialect === 'tag') {
      const tagPrefix = target.tagPrefix ?? derivedTagPrefix(record.prefix, entry.packagePath);
      const commit = await buildCommit(store, { parent: record.commit, workTree: checkoutDir, changes: fileChanges, message, identity });
      // A journal from an interrupted run with the same content names the commit to finish.
      const reuse = journal && journal.tree === commit.tree && journal.parent === record.commit ? journal : undefined;
      const chosen = reuse ? { commit: reuse.commit, tree: reuse.tree } : commit;
      const tag = `${tagPrefix}_${chosen.commit.slice(0, 10)}`;
      built = { ...chosen, parent: record.commit, ref: `refs/tags/${tag}`, pin: tag };
      await writeJournal(journalFile, { id: entry.path, assetsRepo: record.assetsRepo, previousPin: target.pinText, ...built });
      crashPoint('push-commit');
      const existing = await remoteRef(store, built.ref);
      if (existing === built.commit) alreadyOnServer = true;
      else if (existing) {
        throw new AssetSyncError('PUSH_REJECTED', `the tag ${tag} already exists in ${record.assetsRepo} at another commit (${shortSha(existing)})`, {
          hint: 'Two commits share the first 10 hex digits; push again after any change to get another name.',
        });
      } else {
        alreadyOnServer = (await pushRef(store, built.commit, built.ref)).alreadyThere;
      }
      await setLocalRef(store, built.ref, built.commit);
      attempts = 1;
    } else {
      const branch = target.branch ?? `auto/${entry.packagePath.split('/')[1] ?? 'assets'}`;
      for (attempts = 1; attempts <= MAX_ATTEMPTS; attempts++) {
        const head = await branchHead(store, branch, target.fallbackBranch);
        const parent = head ?? record.commit;
        if (parent !== record.commit) await assertDisjoint(store, record.commit, parent, record.path, record.excludes, changes, branch);
        const commit = await buildCommit(store, { parent, workTree: checkoutDir, changes: fileChanges, message, identity });
        built = { ...commit, parent, ref: `refs/heads/${branch}`, pin: commit.commit };
        await writeJournal(journalFile, { id: entry.path, assetsRepo: record.assetsRepo, previousPin: target.pinText, ...built });
        crashPoint('push-commit');
        try {
          alreadyOnServer = (await pushRef(store, built.commit, built.ref)).alreadyThere;
          await setLocalRef(store, `refs/remotes/origin/${branch}`, built.commit);
          break;
        } catch (error) {
          // Somebody pushed to the branch meanwhile: packages own disjoint folders, so rebuild on it.
          if (!(error instanceof AssetSyncError && error.code === 'PUSH_REJECTED') || attempts === MAX_ATTEMPTS) throw error;
        }
      }
      await setLocalRef(store, `refs/asset-sync/pins/${built!.commit}`, built!.commit);
    }
    crashPoint('push-publish');
    const result = built!;

    await writePin(entry, target.dialect, result.pin, target.dialect === 'tag' && !target.tagPrefix ? result.ref.slice('refs/tags/'.length, -11) : undefined);
    await rm(journalFile, { force: true });

    // The working files are the new commit's content now: move the package's checkout to the new
    // pin. Restore sees that the pending changes are exactly the new pin's content, so nothing is lost.
    const updated = toPackageEntry(await discoverOne(entry.absPath, workspace.repoRoot));
    const moved = await restore({ workspace, entries: [updated], context: options.context ?? [], complete: false, lockHeld: true });
    return {
      id: entry.path,
      status: 'pushed',
      message: `Pushed ${fileChanges.length} file${fileChanges.length === 1 ? '' : 's'} of ${entry.packagePath || entry.path} (${describeChanges(changes) || 'resumed'}) as ${result.pin}${alreadyOnServer ? ' (already on the server)' : ''}; ${entry.path} now pins it.`,
      previousPin: target.pinText,
      pin: result.pin,
      commit: result.commit,
      parent: result.parent,
      ref: result.ref,
      alreadyOnServer,
      changes,
      compared,
      attempts,
      restore: { ok: moved.ok, summary: moved.summary },
    };
  } finally {
    await release();
  }
}

/** The head of the branch on the server, or of the fallback branch when the branch is new. */
async function branchHead(store: Store, branch: string, fallback: string): Promise<string | undefined> {
  const { missing } = await store.fetchPins([{ kind: 'branch-head', branch }]);
  if (!missing.size) return (await store.resolvePins([{ kind: 'branch-head', branch }])).get(`branch:${branch}`);
  const fallbackMissing = (await store.fetchPins([{ kind: 'branch-head', branch: fallback }])).missing;
  if (fallbackMissing.size) return undefined;
  return (await store.resolvePins([{ kind: 'branch-head', branch: fallback }])).get(`branch:${fallback}`);
}

/** Stops when the branch gained changes to the same files this push changes. */
async function assertDisjoint(store: Store, base: string, head: string, path: string, excludes: string[], ours: PendingChanges, branch: string): Promise<void> {
  const theirs = await changedFiles(store, base, head, path, excludes);
  const mine = new Set([...ours.added, ...ours.modified, ...ours.deleted]);
  const both = [...theirs.keys()].filter((file) => mine.has(file));
  if (both.length > 0) {
    throw new AssetSyncError('CONFLICT', `${branch} changed the same recordings since ${shortSha(base)}: ${both.slice(0, 10).join(', ')}${both.length > 10 ? ` and ${both.length - 10} more` : ''}`, {
      hint: `Set SHA to ${head} in assets.json, restore, record again, and push.`,
    });
  }
}

function scanForSecrets(checkoutDir: string, prefix: string, changes: PendingChanges, allowed: string[]): void {
  const files = new Map<string, Buffer>();
  const display = (path: string): string => (prefix && isSameOrBelow(path, prefix) ? path.slice(prefix.length + 1) : path);
  for (const path of [...changes.added, ...changes.modified]) {
    const full = join(checkoutDir, path);
    if (!existsSync(full)) continue;
    files.set(display(path), readFileSync(full));
  }
  const allow = new Set(allowed.map((a) => a.replace(/^\.\//, '')));
  const findings = scanFiles(files).filter((f) => !allow.has(f.file) && ![...allow].some((a) => f.file.endsWith(`/${a}`)));
  if (findings.length > 0) {
    throw new AssetSyncError('SECRET_FOUND', `push blocked: ${findings.length} possible secret${findings.length === 1 ? '' : 's'} in the recordings:\n${findings.map((f) => `  ${describeFinding(f)}`).join('\n')}`, {
      hint: 'Fix the test-proxy sanitizers and record again. If a finding is a reviewed false positive, pass --allow-secret <file>.',
    });
  }
}

/** Writes the new pin in place (only that value changes) through a rename, never half a file. */
async function writePin(entry: PackageEntry, dialect: 'tag' | 'branch', pin: string, tagPrefix?: string): Promise<void> {
  const file = entry.absPath!;
  let text = await readFile(file, 'utf8');
  if (tagPrefix) text = setField(text, 'TagPrefix', tagPrefix, entry.path);
  text = setPin(text, dialect === 'tag' ? { kind: 'tag', tag: pin } : { kind: 'sha', sha: pin }, entry.path);
  const temp = `${file}.asset-sync-${process.pid}.tmp`;
  await writeFile(temp, text);
  await rename(temp, file);
}

/** `<prefix>/<path under sdk/>`, as production names tags. */
export function derivedTagPrefix(prefix: string, packagePath: string): string {
  const under = packagePath.startsWith('sdk/') ? packagePath.slice(4) : packagePath;
  return [prefix, under].filter(Boolean).join('/');
}

function journalPath(assetsDir: string, id: string): string {
  return join(assetsDir, '.asset-sync', 'push', `${id.replace(/[^A-Za-z0-9._-]+/g, '_')}.json`);
}

async function readJournal(file: string, id: string, previousPin: string): Promise<PushJournal | undefined> {
  try {
    const journal = JSON.parse(await readFile(file, 'utf8')) as PushJournal;
    return journal.id === id && journal.previousPin === previousPin ? journal : undefined;
  } catch {
    return undefined;
  }
}

async function writeJournal(file: string, journal: PushJournal): Promise<void> {
  await mkdir(join(file, '..'), { recursive: true });
  await writeFile(`${file}.tmp`, JSON.stringify(journal));
  await rename(`${file}.tmp`, file);
}

export type { Identity };
