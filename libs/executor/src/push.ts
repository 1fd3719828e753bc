import { lstatSync, readFileSync, readlinkSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { derivedTagPrefix, editAssetsJson, pinOfText, setField, setPin, tagNameOf, tagPrefixOfTag, writeFileAtomically } from '@asset-sync/assets-json';
import { AssetSyncError, faultPoint, plural } from '@asset-sync/errors';
import {
  Store,
  acquireLock,
  buildCommit,
  changedFiles,
  changedFilesBetween,
  type FileChange,
  type Identity,
} from '@asset-sync/git-store';
import { isSameOrBelow, shortSha, symlinkProblem, type PendingFiles } from '@asset-sync/planner';
import { describeChanges, hasFiles } from './errors.js';
import { commitIdentity } from './identity.js';
import { adoptPushedPin } from './local-pin.js';
import { branchOf, publishBranch as publishBranchRef, publishTags } from './publish.js';
import { journalPath, readJournal, type PushJournal } from './push-journal.js';
import { describeFinding, scanEntries, type PublishedEntry } from './secrets.js';
import { findRestored, ownersIn, pendingOf, readCurrentState } from './status.js';
import type { PackageEntry, Workspace } from './types.js';
import { storeLocation } from './workspace.js';

export interface PushOptions {
  workspace: Workspace;
  entry: PackageEntry;
  /** Other assets.json files (nested ones are excluded from this package). */
  context?: PackageEntry[];
  /** Files (as the scan prints them) whose findings were reviewed and are not secrets. */
  allowSecrets?: string[];
  env?: NodeJS.ProcessEnv;
  /**
   * Publish to this fork of the assets repo instead (no write access upstream): the same commit and
   * tag name, and assets.json pins the tag as usual. `asset-sync adopt` later copies it upstream.
   */
  fork?: { name: string; url: string };
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
  changes: PendingFiles;
  compared: { folder: string; commit: string };
  /** Branch dialect: how many times the commit was rebuilt because the branch moved. */
  attempts?: number;
  /** The fork it was published to, when it went to one. */
  fork?: string;
}

const MAX_ATTEMPTS = 3;

/** What publishing built: the commit, its tree, and the ref and pin that name it. */
interface Published {
  commit: string;
  tree: string;
  parent: string;
  ref: string;
  pin: string;
  alreadyOnServer: boolean;
  attempts: number;
}

/**
 * Publishes a package's pending recording changes: one commit in which only the package's folder
 * changes, a tag (or a branch update); then the local record moves to the new pin (no file is
 * touched: the files already are its content), and the new pin is written into assets.json, last.
 * Every step before can fail or be killed without touching the recordings or assets.json; while
 * a published pin is not yet written, restore leaves the package alone, and push again finishes.
 */
export async function push(options: PushOptions): Promise<PushReport> {
  const { workspace, entry } = options;
  const settings = entry.settings;
  if (!settings || !entry.absPath) {
    throw new AssetSyncError('ASSETS_JSON_INVALID', `${entry.path} is not a valid assets.json`, {
      problems: entry.problems,
      hint: 'Fix the fields listed; `asset-sync discover` shows every problem.',
    });
  }
  if (options.fork && settings.dialect !== 'tag') {
    throw new AssetSyncError('USAGE', `${entry.path} pins a SHA on a branch (the 2022 dialect); pushing to a fork works for Tag pins only`, {
      hint: 'Push without --fork from a machine with write access, or move the package to the Tag dialect.',
    });
  }
  const identity = await commitIdentity(workspace.repoRoot, options.env);
  const release = await acquireLock(workspace.assetsDir);
  try {
    const journalFile = journalPath(workspace.assetsDir, entry.path);
    const journal = await readJournal(journalFile, entry.path);
    const state = await readCurrentState(workspace);
    const finished = await finishWrittenPush(workspace, entry, journal, journalFile, state);
    if (finished) return finished;
    // A push killed after writing the pin left only its journal: there is nothing left to finish.
    if (journal && journal.pin === settings.pinText) await rm(journalFile, { force: true });
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
    const compared = { folder: join(locate, entry.packagePath), commit: record.commit };
    const store = await Store.open(storeLocation(workspace, record.assetsRepo));
    const owners = ownersIn(state, workspace, record.checkout);
    const changes = pendingOf(record, owners, await changedFiles(checkoutDir));
    const resumable = journal && journal.previousPin === settings.pinText ? journal : undefined;
    if (!hasFiles(changes) && !resumable) {
      return {
        id: entry.path,
        status: 'nothing-to-push',
        message: `Nothing to push: the files in ${compared.folder} are the same as ${settings.pinText ? `${settings.dialect === 'tag' ? 'Tag' : 'SHA'} ${settings.pinText}` : 'the fallback branch head'} (commit ${shortSha(record.commit)}); no commit, no tag.`,
        previousPin: settings.pinText,
        changes,
        compared,
      };
    }
    const fileChanges = scanForSecrets(checkoutDir, record.path, record.prefix, changes, options.allowSecrets ?? []);
    const context: PublishContext = { store, entry, record, checkoutDir, fileChanges, changes, identity, journalFile, previousPin: settings.pinText, owners, ...(resumable ? { journal: resumable } : {}), ...(options.fork ? { fork: options.fork } : {}) };
    const result = settings.dialect === 'tag' ? await publishTag(context) : await publishBranch(context);
    await faultPoint('push-publish');
    await adoptPushedPin(workspace, state, record, { pin: result.pin, commit: result.commit, dialect: settings.dialect }, store);
    await faultPoint('push-state');
    await writePin(entry, settings.dialect, result.pin, settings.dialect === 'tag' && !settings.tagPrefix ? tagPrefixOfTag(result.pin) : undefined);
    await rm(journalFile, { force: true });
    return {
      id: entry.path,
      status: 'pushed',
      message: `Pushed ${plural(fileChanges.length, 'file')} of ${entry.packagePath || entry.path} (${describeChanges(changes) || 'resumed'}) as ${result.pin}${options.fork ? ` to the fork ${options.fork.name}` : ''}${result.alreadyOnServer ? ' (already on the server)' : ''}; ${entry.path} now pins it.${options.fork ? ` A maintainer copies it into ${record.assetsRepo} with: asset-sync adopt ${entry.packagePath || '.'} --from ${options.fork.name}` : ''}`,
      previousPin: settings.pinText,
      pin: result.pin,
      commit: result.commit,
      parent: result.parent,
      ref: result.ref,
      alreadyOnServer: result.alreadyOnServer,
      changes,
      compared,
      attempts: result.attempts,
      ...(options.fork ? { fork: options.fork.name } : {}),
    };
  } finally {
    await release();
  }
}

interface PublishContext {
  store: Store;
  entry: PackageEntry;
  record: { commit: string; path: string; prefix: string; assetsRepo: string; checkout: string };
  checkoutDir: string;
  fileChanges: FileChange[];
  changes: PendingFiles;
  identity: Identity;
  journalFile: string;
  previousPin: string;
  owners: string[];
  journal?: PushJournal;
  fork?: { name: string; url: string };
}

/**
 * A push killed after the local record moved to the new pin but before assets.json was written:
 * the files are the new pin's already, so only the pin is left to write.
 */
async function finishWrittenPush(
  workspace: Workspace,
  entry: PackageEntry,
  journal: PushJournal | undefined,
  journalFile: string,
  state: Awaited<ReturnType<typeof readCurrentState>>,
): Promise<PushReport | undefined> {
  const settings = entry.settings!;
  const recorded = state.layouts[workspace.layout]?.packages[entry.path];
  if (!journal || journal.previousPin !== settings.pinText || recorded?.pinText !== journal.pin) return undefined;
  await writePin(entry, settings.dialect, journal.pin, settings.dialect === 'tag' && !settings.tagPrefix ? tagPrefixOfTag(journal.pin) : undefined);
  await rm(journalFile, { force: true });
  const none: PendingFiles = { added: [], modified: [], deleted: [] };
  return {
    id: entry.path,
    status: 'pushed',
    message: `Finished an interrupted push: ${journal.pin} was already published and restored; ${entry.path} now pins it.`,
    previousPin: settings.pinText,
    pin: journal.pin,
    commit: journal.commit,
    parent: journal.parent,
    ref: journal.ref,
    alreadyOnServer: true,
    changes: none,
    compared: { folder: entry.packagePath, commit: journal.parent },
    attempts: 0,
  };
}

async function publishTag(c: PublishContext): Promise<Published> {
  const settings = c.entry.settings!;
  const tagPrefix = tagPrefixFor({ ...settings, prefix: c.record.prefix }, c.entry.packagePath);
  const message = `Recordings of ${c.entry.packagePath || c.entry.path} pushed by asset-sync.`;
  const built = await buildCommit(c.store, { parent: c.record.commit, workTree: c.checkoutDir, changes: c.fileChanges, message, identity: c.identity });
  // A journal from an interrupted run with the same content names the commit to finish.
  const reuse = c.journal && c.journal.tree === built.tree && c.journal.parent === c.record.commit ? c.journal : undefined;
  const chosen = reuse ? { commit: reuse.commit, tree: reuse.tree } : built;
  const tag = tagNameOf(tagPrefix, chosen.commit);
  const published = { ...chosen, parent: c.record.commit, ref: `refs/tags/${tag}`, pin: tag };
  await writeJournal(c.journalFile, { id: c.entry.path, assetsRepo: c.record.assetsRepo, previousPin: c.previousPin, ...published });
  await faultPoint('push-commit');
  const alreadyOnServer = await publishTagRef(c, published.commit, tag);
  return { ...published, alreadyOnServer, attempts: 1 };
}

/** Publishes the tag; without write access upstream, the error says what works instead. */
async function publishTagRef(c: PublishContext, commit: string, tag: string): Promise<boolean> {
  try {
    return await publishTags(c.store, commit, [tag], { assetsRepo: c.record.assetsRepo, ...(c.fork ? { fork: c.fork } : {}) });
  } catch (error) {
    if (!(error instanceof AssetSyncError) || error.code === 'PUSH_REJECTED' || c.fork) throw error;
    // No write access is the usual reason for a contributor: say what works without it.
    throw new AssetSyncError(error.code, error.message, {
      hint: `${error.hint ? `${error.hint} ` : ''}Without write access to ${c.record.assetsRepo}, publish to your fork of it: asset-sync push ${c.entry.packagePath || '.'} --fork <owner>/<name>.`,
      cause: error,
    });
  }
}

async function publishBranch(c: PublishContext): Promise<Published> {
  const settings = c.entry.settings!;
  const branch = branchOf(c.entry);
  const message = `Recordings of ${c.entry.packagePath || c.entry.path} pushed by asset-sync.`;
  const excludes = c.owners.filter((o) => o !== c.record.path && isSameOrBelow(o, c.record.path));
  for (let attempts = 1; ; attempts++) {
    const head = await branchHead(c.store, branch, settings.fallbackBranch);
    const parent = head ?? c.record.commit;
    if (parent !== c.record.commit) await assertDisjoint(c.store, c.record.commit, parent, c.record.path, excludes, c.changes, branch);
    const built = await buildCommit(c.store, { parent, workTree: c.checkoutDir, changes: c.fileChanges, message, identity: c.identity });
    const published = { ...built, parent, ref: `refs/heads/${branch}`, pin: built.commit };
    await writeJournal(c.journalFile, { id: c.entry.path, assetsRepo: c.record.assetsRepo, previousPin: c.previousPin, ...published });
    await faultPoint('push-commit');
    try {
      const alreadyOnServer = await publishBranchRef(c.store, published.commit, branch);
      return { ...published, alreadyOnServer, attempts };
    } catch (error) {
      // Somebody pushed to the branch meanwhile: packages own disjoint folders, so rebuild on it.
      if (!(error instanceof AssetSyncError && error.code === 'PUSH_REJECTED') || attempts >= MAX_ATTEMPTS) throw error;
    }
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
async function assertDisjoint(store: Store, base: string, head: string, path: string, excludes: string[], ours: PendingFiles, branch: string): Promise<void> {
  const theirs = await changedFilesBetween(store, base, head, path, excludes);
  const mine = new Set([...ours.added, ...ours.modified, ...ours.deleted]);
  const both = [...theirs.keys()].filter((file) => mine.has(file));
  if (both.length > 0) {
    throw new AssetSyncError('CONFLICT', `${branch} changed the same recordings since ${shortSha(base)}: ${both.slice(0, 10).join(', ')}${both.length > 10 ? ` and ${both.length - 10} more` : ''}`, {
      hint: `Set SHA to ${head} in assets.json, restore, record again, and push.`,
    });
  }
}

/**
 * Scans what would be published, as git would publish it (a symlink is its link text, not its
 * target's bytes), and refuses symlinks that leave the package folder: the assets repo is public,
 * and a link out of the folder would publish a path into someone's machine. Returns the changes.
 */
function scanForSecrets(checkoutDir: string, folder: string, prefix: string, changes: PendingFiles, allowed: string[]): FileChange[] {
  const entries: PublishedEntry[] = [];
  const display = (path: string): string => (prefix && isSameOrBelow(path, prefix) ? path.slice(prefix.length + 1) : path);
  for (const path of [...changes.added, ...changes.modified]) {
    const full = join(checkoutDir, path);
    const info = lstatSync(full, { throwIfNoEntry: false });
    if (!info) continue;
    if (info.isSymbolicLink()) {
      const link = readlinkSync(full);
      const problem = symlinkProblem(folder, path, link);
      if (problem) {
        throw new AssetSyncError('UNSAFE_INPUT', `push refused: ${display(path)} ${problem}`, {
          hint: 'Replace the link with the file it points to (or remove it), then push again.',
        });
      }
      entries.push({ path: display(path), kind: 'symlink', content: Buffer.from(link) });
    } else if (info.isFile()) entries.push({ path: display(path), kind: 'file', content: readFileSync(full) });
  }
  const allow = new Set(allowed.map((a) => a.replace(/^\.\//, '')));
  const findings = scanEntries(entries).filter((f) => !allow.has(f.file) && ![...allow].some((a) => f.file.endsWith(`/${a}`)));
  if (findings.length > 0) {
    throw new AssetSyncError('SECRET_FOUND', `push blocked: ${plural(findings.length, 'possible secret')} in the recordings:\n${findings.map((f) => `  ${describeFinding(f)}`).join('\n')}`, {
      hint: 'Fix the test-proxy sanitizers and record again. If a finding is a reviewed false positive, pass --allow-secret <file>.',
    });
  }
  return [
    // update-index hashes each file as it is on disk, and drops one that is gone by then.
    ...[...changes.added, ...changes.modified].map((path) => ({ path, action: 'write' as const })),
    ...changes.deleted.map((path) => ({ path, action: 'delete' as const })),
  ];
}

/** Writes the new pin in place (only that value changes) through a rename, never half a file. */
async function writePin(entry: PackageEntry, dialect: 'tag' | 'branch', pin: string, tagPrefix?: string): Promise<void> {
  await editAssetsJson(entry.absPath!, (text) => setPin(tagPrefix ? setField(text, 'TagPrefix', tagPrefix, entry.path) : text, pinOfText(dialect, pin), entry.path));
}

/** The prefix a package's tags are named with: its `TagPrefix` as written, or derived from its folders. */
export function tagPrefixFor(settings: { tagPrefix?: string; prefix: string }, packagePath: string): string {
  return settings.tagPrefix ?? derivedTagPrefix(settings.prefix, packagePath);
}

async function writeJournal(file: string, journal: PushJournal): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFileAtomically(file, JSON.stringify(journal));
}

export type { Identity };
