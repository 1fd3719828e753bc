import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { parseConflictedAssetsJson, pinKey, pinOrFallback, pinTextOf, resolveConflictedAssetsJson, tagNameOf, writeFileAtomically, type ConflictedAssetsJson, type Pin } from '@asset-sync/assets-json';
import { AssetSyncError, formatProblem } from '@asset-sync/errors';
import { discoverOne, toPosixPath } from '@asset-sync/discovery';
import { Store, acquireLock, buildCommit, changedFilesBetween, mergeBase, type Identity, type IndexEntry } from '@asset-sync/git-store';
import { assetsPathOf, isSameOrBelow } from '@asset-sync/planner';
import { commitIdentity } from './identity.js';
import { branchOf, publishBranch, publishTags } from './publish.js';
import { tagPrefixFor } from './push.js';
import type { PackageEntry, Workspace } from './types.js';
import { storeLocation, toPackageEntry } from './workspace.js';

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
  const text = await readFile(file, 'utf8');
  const { conflict, entry } = conflictedEntry(text, rel, file);
  const { ours, theirs, assetsJson } = conflict;
  const packagePath = entry.packagePath;
  const identity = await commitIdentity(workspace.repoRoot, options.env);
  const path = assetsPathOf(assetsJson.prefixPath, packagePath);
  const excludes = (options.context ?? [])
    .filter((e) => e.settings && e.settings.assetsRepo === assetsJson.assetsRepo)
    .map((e) => assetsPathOf(e.settings!.prefix, e.packagePath))
    .filter((p) => p !== path && isSameOrBelow(p, path));

  const release = await acquireLock(workspace.assetsDir);
  try {
    const store = await Store.open(storeLocation(workspace, assetsJson.assetsRepo));
    const [oursCommit, theirsCommit] = await commitsOf(store, [pinOrFallback(ours, assetsJson.fallbackBranch), pinOrFallback(theirs, assetsJson.fallbackBranch)]);
    const base = await mergeBase(store, oursCommit, theirsCommit);
    if (!base) throw new AssetSyncError('CONFLICT', `${pinTextOf(ours)} and ${pinTextOf(theirs)} share no history in ${assetsJson.assetsRepo}`, { hint: 'Pick one pin by hand.' });
    const mine = await changedFilesBetween(store, base, oursCommit, path, excludes);
    const yours = await changedFilesBetween(store, base, theirsCommit, path, excludes);
    assertNoClash(mine, yours, rel);
    const sides: Sides = { ours: { pin: pinTextOf(ours), commit: oursCommit, changed: mine }, theirs: { pin: pinTextOf(theirs), commit: theirsCommit, changed: yours }, base };
    const { commit, pin, ref } = await combine(store, entry, sides, identity);
    await writeFileAtomically(file, resolveConflictedAssetsJson(text, pin, rel));
    // Sanity: what was written reads back as a valid assets.json naming the new pin.
    const check = await discoverOne(file, workspace.repoRoot);
    if (check.problems.length > 0) throw new AssetSyncError('ASSETS_JSON_INVALID', check.problems.map(formatProblem).join('\n'));
    return { id: rel, ours: sides.ours.pin, theirs: sides.theirs.pin, pin, commit, merged: { ours: mine.size, theirs: yours.size }, ...(ref ? { ref } : {}) };
  } finally {
    await release();
  }
}

type Changes = Awaited<ReturnType<typeof changedFilesBetween>>;

interface Sides {
  ours: { pin: string; commit: string; changed: Changes };
  theirs: { pin: string; commit: string; changed: Changes };
  base: string;
}

/**
 * Reads a conflicted assets.json (`rel`: its path in the language repo) and the entry it publishes
 * from: the one push builds from a discovered assets.json, so both name tags and branches alike.
 */
export function conflictedEntry(text: string, rel: string, absPath: string): { conflict: ConflictedAssetsJson; entry: PackageEntry } {
  const parsed = parseConflictedAssetsJson(text, rel);
  if (!parsed.ok) {
    throw new AssetSyncError('ASSETS_JSON_INVALID', `${rel}: cannot resolve:\n${parsed.problems.map(formatProblem).join('\n')}`, {
      problems: parsed.problems,
      hint: parsed.problems.find((p) => p.hint)?.hint ?? 'Resolve the conflict by hand.',
    });
  }
  const packagePath = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '';
  return { conflict: parsed.value, entry: toPackageEntry({ path: rel, absPath, packagePath, value: parsed.value.assetsJson, problems: [] }) };
}

/** The commits of both pins, fetched when the store lacks them. */
async function commitsOf(store: Store, pins: [Pin, Pin]): Promise<[string, string]> {
  let resolved = await store.resolvePins(pins);
  if (pins.some((p) => !resolved.has(pinKey(p)))) {
    const { missing } = await store.fetchPins(pins.filter((p) => !resolved.has(pinKey(p))));
    const gone = [...missing.values()][0];
    if (gone) throw gone;
    resolved = await store.resolvePins(pins);
  }
  return [resolved.get(pinKey(pins[0]))!, resolved.get(pinKey(pins[1]))!];
}

function assertNoClash(mine: Changes, yours: Changes, rel: string): void {
  const clashing = [...yours.keys()].filter((f) => mine.has(f) && mine.get(f)?.after?.oid !== yours.get(f)?.after?.oid);
  if (clashing.length > 0) {
    throw new AssetSyncError('CONFLICT', `both pins changed the same recordings differently; ${rel} is left as it is:\n${clashing.map((f) => `  ${f}`).join('\n')}`, {
      hint: 'Pick one side by hand (keep one pin line), restore, re-record those tests, and push.',
    });
  }
}

/** One side when it already holds the other; otherwise a merge commit, published as push would. */
async function combine(store: Store, entry: PackageEntry, sides: Sides, identity: Identity): Promise<{ commit: string; pin: string; ref?: string }> {
  const { ours, theirs, base } = sides;
  if (theirs.changed.size === 0 || base === theirs.commit) return { commit: ours.commit, pin: ours.pin };
  if (ours.changed.size === 0 || base === ours.commit) return { commit: theirs.commit, pin: theirs.pin };
  const entries: IndexEntry[] = [...theirs.changed].filter(([f]) => !ours.changed.has(f)).map(([f, change]) => ({ path: f, blob: change.after }));
  const { commit } = await buildCommit(store, {
    parent: ours.commit,
    otherParents: [theirs.commit],
    entries,
    message: `Merge recordings of ${entry.packagePath || entry.path} (${ours.pin || 'head'} + ${theirs.pin || 'head'}) by asset-sync resolve.`,
    identity,
  });
  const settings = entry.settings!;
  if (settings.dialect === 'tag') {
    const tag = tagNameOf(tagPrefixFor(settings, entry.packagePath), commit);
    await publishTags(store, commit, [tag], { assetsRepo: settings.assetsRepo });
    return { commit, pin: tag, ref: `refs/tags/${tag}` };
  }
  const branch = branchOf(entry);
  await publishBranch(store, commit, branch);
  return { commit, pin: commit, ref: `refs/heads/${branch}` };
}
