import { readFile, rename, writeFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { derivedTagPrefix, parseConflictedAssetsJson, pinKey, pinOrFallback, resolveConflictedAssetsJson, type Pin, type WrittenPin } from '@asset-sync/assets-json';
import { AssetSyncError, formatProblem } from '@asset-sync/errors';
import { discoverOne, toPosixPath } from '@asset-sync/discovery';
import { Store, acquireLock, buildCommit, changedFilesBetween, mergeBase, pushRef, remoteRef, setLocalRef, type IndexEntry } from '@asset-sync/git-store';
import { assetsPathOf, isSameOrBelow } from '@asset-sync/planner';
import { commitIdentity } from './identity.js';
import type { PackageEntry, Workspace } from './types.js';
import { storeLocation } from './workspace.js';

export interface ResolveOptions {
  workspace: Workspace;
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
  const toRef = (pin: WrittenPin): Pin => pinOrFallback(pin, assetsJson.fallbackBranch);
  const pinText = (pin: WrittenPin): string => (pin.kind === 'tag' ? pin.tag : pin.kind === 'sha' ? pin.sha : '');
  const identity = await commitIdentity(workspace.repoRoot, options.env);
  const path = assetsPathOf(assetsJson.prefixPath, packagePath);
  const excludes = (options.context ?? [])
    .filter((e) => e.settings && e.settings.assetsRepo === assetsJson.assetsRepo)
    .map((e) => assetsPathOf(e.settings!.prefix, e.packagePath))
    .filter((p) => p !== path && isSameOrBelow(p, path));

  const release = await acquireLock(workspace.assetsDir);
  try {
    const store = await Store.open(storeLocation(workspace, assetsJson.assetsRepo));
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
