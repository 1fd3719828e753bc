import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import {
  parseAssetsJson,
  parseConflictedAssetsJson,
  resolveConflictedAssetsJson,
  type Pin,
} from '@asset-sync/assets-json';
import { AssetSyncError, formatProblem } from '@asset-sync/errors';
import { discoverOne, findGoverningAssetsJson, toPosixPath } from '@asset-sync/discovery';
import {
  Store,
  acquireLock,
  buildCommit,
  changedFiles,
  changedFilesBetween,
  mergeBase,
  pushRef,
  remoteRef,
  resetFolders,
  setLocalRef,
  type IndexEntry,
} from '@asset-sync/git-store';
import { assetsPathOf, isSameOrBelow, pinKey, type PendingFiles, type PinRef } from '@asset-sync/planner';
import { hasFiles } from './errors.js';
import { commitIdentity } from './identity.js';
import { derivedTagPrefix } from './push.js';
import { restore } from './restore.js';
import { findRestored, ownersIn, pendingOf, readCurrentState } from './status.js';
import type { PackageEntry, RestoreReport } from './types.js';
import type { OpenedWorkspace } from './workspace.js';

export interface ResetOptions {
  workspace: OpenedWorkspace;
  entry: PackageEntry;
  context?: PackageEntry[];
  /** Discard without asking. */
  yes?: boolean;
  /** Asked with the list of what would be discarded (a TTY); without it and without `yes`, reset refuses. */
  confirm?: (changes: PendingFiles) => Promise<boolean>;
}

export interface ResetReport {
  id: string;
  discarded: PendingFiles;
  /** The pin the package is at now. */
  pin: string;
  restore: Pick<RestoreReport, 'ok' | 'summary'>;
}

/** Throws away a package's pending changes and returns it to the content its assets.json pins. */
export async function reset(options: ResetOptions): Promise<ResetReport> {
  const { workspace, entry } = options;
  if (!entry.target) {
    throw new AssetSyncError('ASSETS_JSON_INVALID', `${entry.path} is not a valid assets.json`, { problems: entry.problems, hint: 'Fix the fields listed first.' });
  }
  const release = await acquireLock(workspace.assetsDir);
  try {
    const state = await readCurrentState(workspace);
    const found = await findRestored(workspace, entry, state);
    let discarded: PendingFiles = { added: [], modified: [], deleted: [] };
    if (found) {
      const owners = ownersIn(state, workspace, found.record.checkout);
      const changes = pendingOf(found.record, owners, await changedFiles(found.checkoutDir));
      if (hasFiles(changes)) {
        const approved = options.yes === true || (options.confirm ? await options.confirm(changes) : false);
        if (!approved) {
          throw new AssetSyncError('CONFIRMATION_REQUIRED', `reset would discard ${plural(count(changes), 'pending change')} in ${entry.packagePath || '.'} and asks first`, {
            hint: `Rerun with --yes to discard them (asset-sync status ${entry.packagePath || '.'} lists them).`,
          });
        }
        const nested = owners.filter((o) => o !== found.record.path && isSameOrBelow(o, found.record.path));
        await resetFolders(found.checkoutDir, [found.record.path], nested);
        discarded = changes;
      }
    }
    const restored = await restore({ workspace, entries: [entry], context: options.context ?? [], complete: false, lockHeld: true, force: true });
    const failure = restored.packages.find((p) => p.status === 'failed');
    if (failure?.error) throw new AssetSyncError(failure.error.code as never, failure.error.message, failure.error.hint ? { hint: failure.error.hint } : {});
    return { id: entry.path, discarded, pin: entry.target.pinText, restore: { ok: restored.ok, summary: restored.summary } };
  } finally {
    await release();
  }
}

function count(changes: PendingFiles): number {
  return changes.added.length + changes.modified.length + changes.deleted.length;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export interface InitOptions {
  workspace: OpenedWorkspace;
  /** Absolute folder of the new package or service. */
  dir: string;
  assetsRepo?: string;
  prefix?: string;
}

export interface InitReport {
  path: string;
  /** The parent assets.json it was copied from, if any. */
  copiedFrom?: string;
  content: Record<string, unknown>;
}

const PIN_AND_BRANCH_KEYS = new Set(['Tag', 'SHA', 'AssetsRepoBranch', 'TagPrefix']);

/**
 * Creates the assets.json of a new package: the nearest parent assets.json (or the configured
 * defaults) without its pin and branch, TagPrefix derived from the path as production does,
 * and an empty pin. Formatting follows the parent's (indentation, line endings).
 */
export async function init(options: InitOptions): Promise<InitReport> {
  const { workspace } = options;
  const rel = toPosixPath(relative(workspace.repoRoot, options.dir));
  if (rel.startsWith('..')) throw new AssetSyncError('USAGE', `${options.dir} is outside the language repo ${workspace.repoRoot}`);
  const file = join(options.dir, 'assets.json');
  const relFile = rel ? `${rel}/assets.json` : 'assets.json';
  if (existsSync(file)) {
    throw new AssetSyncError('USAGE', `${relFile} already exists`, { hint: `asset-sync status ${rel || '.'} shows its pin; edit it by hand to change the assets repo.` });
  }
  let parent: { path: string; raw: Record<string, unknown>; text: string } | undefined;
  if (rel !== '') {
    try {
      const parentFile = await findGoverningAssetsJson(dirname(options.dir), workspace.repoRoot);
      const entry = await discoverOne(parentFile, workspace.repoRoot);
      if (entry.value && entry.text !== undefined) parent = { path: entry.path, raw: entry.value.raw, text: entry.text };
    } catch (error) {
      if (!(error instanceof AssetSyncError && error.code === 'ASSETS_JSON_NOT_FOUND')) throw error;
    }
  }
  const defaults = workspace.config.defaults;
  const content: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parent?.raw ?? {})) if (!PIN_AND_BRANCH_KEYS.has(key)) content[key] = value;
  if (options.assetsRepo) content['AssetsRepo'] = options.assetsRepo;
  if (options.prefix !== undefined) content['AssetsRepoPrefixPath'] = options.prefix;
  content['AssetsRepo'] ??= defaults.AssetsRepo;
  content['AssetsRepoPrefixPath'] ??= defaults.AssetsRepoPrefixPath ?? '';
  if (!content['AssetsRepo']) {
    throw new AssetSyncError('USAGE', `no parent assets.json above ${rel || '.'} and no default assets repo`, {
      hint: 'Pass --assets-repo <owner/name> --prefix <language>, or set defaults.AssetsRepo in asset-sync.yaml.',
    });
  }
  const branchDialect = parent !== undefined && ('SHA' in parent.raw || 'AssetsRepoBranch' in parent.raw || 'AssetsRepoFallbackBranch' in parent.raw || 'AssetsRepoId' in parent.raw);
  if (!branchDialect) {
    content['TagPrefix'] = derivedTagPrefix(String(content['AssetsRepoPrefixPath'] ?? '').replace(/\/+$/, ''), rel);
    content['Tag'] = '';
  }
  const indent = parent ? (/\n( +|\t)"/.exec(parent.text)?.[1] ?? '  ') : '  ';
  const eol = parent?.text.includes('\r\n') ? '\r\n' : '\n';
  const text = JSON.stringify(content, null, indent).replace(/\n/g, eol) + eol;
  const parsed = parseAssetsJson(text, relFile);
  if (!parsed.ok) {
    throw new AssetSyncError('ASSETS_JSON_INVALID', `the assets.json init would write is not valid:\n${parsed.problems.map(formatProblem).join('\n')}`, {
      problems: parsed.problems,
      hint: parent ? `Fix ${parent.path} (it was copied), or pass --assets-repo and --prefix.` : 'Pass a valid --assets-repo and --prefix.',
    });
  }
  await writeFile(file, text, { flag: 'wx' });
  return { path: relFile, ...(parent ? { copiedFrom: parent.path } : {}), content };
}

export interface ResolveOptions {
  workspace: OpenedWorkspace;
  /** Absolute path of the conflicted assets.json. */
  file: string;
  context?: PackageEntry[];
  env?: NodeJS.ProcessEnv;
}

export interface ResolveReport {
  id: string;
  ours: string;
  theirs: string;
  /** The pin written: a merge of both, or one of them when it already holds the other. */
  pin: string;
  commit: string;
  /** Files each side changed since their common base. */
  merged: { ours: number; theirs: number };
  ref?: string;
}

/**
 * Combines the two pins a language-repo merge left in conflict markers: the two assets commits are
 * merged file by file below the package's folder (no content merge: a recording changed on both
 * sides differently is a conflict that lists the files), the result is published, and the pin
 * line is replaced by the new pin, leaving a valid assets.json.
 */
export async function resolve(options: ResolveOptions): Promise<ResolveReport> {
  const { workspace, file } = options;
  const rel = toPosixPath(relative(workspace.repoRoot, file));
  const packagePath = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '';
  const text = await readFile(file, 'utf8');
  const parsed = parseConflictedAssetsJson(text, rel);
  if (!parsed.ok) {
    throw new AssetSyncError('ASSETS_JSON_INVALID', `${rel}: cannot resolve:\n${parsed.problems.map(formatProblem).join('\n')}`, {
      problems: parsed.problems,
      hint: parsed.problems.find((p) => p.hint)?.hint ?? 'Resolve the conflict by hand.',
    });
  }
  const { ours, theirs, assetsJson } = parsed.value;
  const toRef = (pin: Pin): PinRef =>
    pin.kind === 'tag' ? { kind: 'tag', tag: pin.tag } : pin.kind === 'sha' ? { kind: 'sha', sha: pin.sha } : { kind: 'branch-head', branch: assetsJson.fallbackBranch };
  const pinText = (pin: Pin): string => (pin.kind === 'tag' ? pin.tag : pin.kind === 'sha' ? pin.sha : '');
  const identity = await commitIdentity(workspace.repoRoot, options.env);
  const path = assetsPathOf(assetsJson.prefixPath, packagePath);
  const excludes = (options.context ?? [])
    .filter((e) => e.target && e.target.assetsRepo === assetsJson.assetsRepo)
    .map((e) => assetsPathOf(e.target!.prefix, e.packagePath))
    .filter((p) => p !== path && isSameOrBelow(p, path));

  const release = await acquireLock(workspace.assetsDir);
  try {
    const store = await Store.open({ assetsDir: workspace.assetsDir, assetsRepo: assetsJson.assetsRepo, url: workspace.remoteUrl(assetsJson.assetsRepo) });
    const pins = [toRef(ours), toRef(theirs)];
    let resolved = await store.resolvePins(pins);
    if (pins.some((p) => !resolved.has(pinKey(p)))) {
      const { missing } = await store.fetchPins(pins.filter((p) => !resolved.has(pinKey(p))));
      const gone = [...missing.values()][0];
      if (gone) throw gone;
      resolved = await store.resolvePins(pins);
    }
    const oursCommit = resolved.get(pinKey(pins[0]!))!;
    const theirsCommit = resolved.get(pinKey(pins[1]!))!;
    const base = await mergeBase(store, oursCommit, theirsCommit);
    if (!base) throw new AssetSyncError('CONFLICT', `${pinText(ours)} and ${pinText(theirs)} share no history in ${assetsJson.assetsRepo}`, { hint: 'Pick one pin by hand.' });
    const mine = await changedFilesBetween(store, base, oursCommit, path, excludes);
    const yours = await changedFilesBetween(store, base, theirsCommit, path, excludes);
    const clashing = [...yours.keys()].filter((f) => mine.has(f) && mine.get(f)?.after?.oid !== yours.get(f)?.after?.oid);
    if (clashing.length > 0) {
      throw new AssetSyncError('CONFLICT', `both pins changed the same recordings differently; ${rel} is left as it is:\n${clashing.map((f) => `  ${f}`).join('\n')}`, {
        hint: 'Pick one side by hand (keep one pin line), restore, re-record those tests, and push.',
      });
    }
    let commit: string;
    let pin: string;
    let ref: string | undefined;
    if (yours.size === 0 || base === theirsCommit) {
      commit = oursCommit;
      pin = pinText(ours);
    } else if (mine.size === 0 || base === oursCommit) {
      commit = theirsCommit;
      pin = pinText(theirs);
    } else {
      const entries: IndexEntry[] = [...yours].filter(([f]) => !mine.has(f)).map(([f, change]) => ({ path: f, blob: change.after }));
      const built = await buildCommit(store, {
        parent: oursCommit,
        otherParents: [theirsCommit],
        entries,
        message: `Merge recordings of ${packagePath || rel} (${pinText(ours) || 'head'} + ${pinText(theirs) || 'head'}) by asset-sync resolve.`,
        identity,
      });
      commit = built.commit;
      if (assetsJson.dialect === 'tag') {
        const tag = `${assetsJson.tagPrefix ?? derivedTagPrefix(assetsJson.prefixPath, packagePath)}_${commit.slice(0, 10)}`;
        ref = `refs/tags/${tag}`;
        if ((await remoteRef(store, ref)) !== commit) await pushRef(store, commit, ref);
        await setLocalRef(store, ref, commit);
        pin = tag;
      } else {
        const branch = assetsJson.branch ?? `auto/${packagePath.split('/')[1] ?? 'assets'}`;
        ref = `refs/heads/${branch}`;
        await pushRef(store, commit, ref);
        await setLocalRef(store, `refs/asset-sync/pins/${commit}`, commit);
        pin = commit;
      }
    }
    const resolvedText = resolveConflictedAssetsJson(text, pin, rel);
    const temp = `${file}.asset-sync-${process.pid}.tmp`;
    await writeFile(temp, resolvedText);
    await rename(temp, file);
    // Sanity: what was written reads back as a valid assets.json naming the new pin.
    const check = await discoverOne(file, workspace.repoRoot);
    if (check.problems.length > 0) throw new AssetSyncError('ASSETS_JSON_INVALID', check.problems.map(formatProblem).join('\n'));
    return { id: rel, ours: pinText(ours), theirs: pinText(theirs), pin, commit, merged: { ours: mine.size, theirs: yours.size }, ...(ref ? { ref } : {}) };
  } finally {
    await release();
  }
}

