import { open, rename, rm } from 'node:fs/promises';
import { AssetSyncError, redact } from '@asset-sync/errors';
import { assertNotOption } from './run.js';
import { remoteOf, type Store } from './store.js';

/*
 * Moving refs between remotes through a blob-less store: copying a fork's tags upstream, backing
 * refs up before they are deleted, bringing them back. The store holds commits and trees; the
 * file contents a transfer needs are worked out here and fetched in one request before git sends
 * or bundles anything, so git never fetches them one at a time.
 */

const HEX40 = /^[0-9a-f]{40}$/;

function assertCommits(oids: string[]): void {
  for (const oid of oids) if (!HEX40.test(oid)) throw new AssetSyncError('GIT_FAILED', `not a commit id: ${JSON.stringify(oid)}`);
}

/**
 * Objects reachable from `tips` and not from `known`, split into those the store has and those it
 * lacks (file contents, normally). `known` may name commits the store never saw (what another
 * remote advertises): only the ones present are used, as `git push` itself would.
 */
export async function objectsBetween(store: Store, tips: string[], known: string[]): Promise<{ present: string[]; missing: string[] }> {
  assertCommits([...tips, ...known]);
  if (tips.length === 0) return { present: [], missing: [] };
  const have = known.length > 0 ? await store.presentCommits(known) : [];
  // `^<id>` lines: git 2.39 takes no options (`--not`) on stdin.
  const input = [...[...new Set(tips)], ...[...new Set(have)].map((oid) => `^${oid}`)].join('\n') + '\n';
  const result = await store.git(['rev-list', '--objects', '--no-object-names', '--missing=print', '--stdin'], { input });
  const present: string[] = [];
  const missing: string[] = [];
  for (const line of new Set(result.stdout.split('\n'))) {
    if (line.startsWith('?')) missing.push(line.slice(1));
    else if (line) present.push(line);
  }
  return { present, missing };
}

/** The sizes of objects the store has (asking about a missing one would fetch it: callers pass present ones only). */
export async function objectSizes(store: Store, oids: string[]): Promise<number> {
  if (oids.length === 0) return 0;
  const sizes = await store.git(['cat-file', '--batch-check=%(objectsize)'], { input: oids.join('\n') + '\n' });
  return sizes.stdout.split('\n').reduce((sum, s) => sum + (Number(s) || 0), 0);
}

/** Committer date (seconds since the epoch) of each commit, all present in the store. */
export async function commitDates(store: Store, commits: string[]): Promise<Map<string, number>> {
  const unique = [...new Set(commits)];
  assertCommits(unique);
  const dates = new Map<string, number>();
  if (unique.length === 0) return dates;
  const result = await store.git(['log', '--no-walk=unsorted', '--format=%H %ct', '--stdin'], { input: unique.join('\n') + '\n' });
  for (const line of result.stdout.split('\n')) {
    const [oid, seconds] = line.split(' ');
    if (oid && seconds) dates.set(oid, Number(seconds));
  }
  return dates;
}

/** Every commit in the history of these commits (themselves included), all present in the store. */
export async function reachableCommits(store: Store, tips: string[]): Promise<Set<string>> {
  if (tips.length === 0) return new Set();
  const unique = [...new Set(tips)];
  assertCommits(unique);
  const result = await store.git(['rev-list', '--stdin'], { input: unique.join('\n') + '\n' });
  return new Set(result.stdout.split('\n').filter(Boolean));
}

/** Points local refs of the store at commits, in one update-ref (a private namespace for one operation). */
export async function setLocalRefs(store: Store, refs: Array<{ ref: string; oid: string }>): Promise<void> {
  if (refs.length === 0) return;
  for (const { ref } of refs) if (!/^refs\/[^\s]+$/.test(ref)) throw new AssetSyncError('GIT_FAILED', `refusing the ref ${JSON.stringify(ref)}`);
  assertCommits(refs.map((r) => r.oid));
  await store.git(['update-ref', '--stdin'], { input: refs.map((r) => `update ${r.ref} ${r.oid}\n`).join('') });
}

/** Local refs of the store below a namespace: ref -> the commit it names (annotated tags peeled). */
export async function localRefsUnder(store: Store, namespace: string): Promise<Map<string, string>> {
  if (!namespace.startsWith('refs/')) throw new AssetSyncError('GIT_FAILED', `not a ref namespace: ${namespace}`);
  const listed = await store.git(['for-each-ref', '--format=%(refname) %(objectname) %(*objectname)', namespace]);
  const refs = new Map<string, string>();
  for (const line of listed.stdout.split('\n')) {
    const [ref, oid, peeled] = line.split(' ');
    if (ref && oid) refs.set(ref, peeled || oid);
  }
  return refs;
}

/** Deletes local refs of the store. */
export async function deleteLocalRefs(store: Store, refs: string[]): Promise<void> {
  if (refs.length === 0) return;
  for (const ref of refs) if (!/^refs\/[^\s]+$/.test(ref)) throw new AssetSyncError('GIT_FAILED', `refusing the ref ${JSON.stringify(ref)}`);
  await store.git(['update-ref', '--stdin'], { input: refs.map((r) => `delete ${r}\n`).join('') });
}

/** Removes every local ref below a namespace of the store (`refs/asset-sync/gc/`). */
export async function clearLocalRefs(store: Store, namespace: string): Promise<void> {
  if (!namespace.startsWith('refs/asset-sync/')) throw new AssetSyncError('GIT_FAILED', `refusing to clear ${namespace}`);
  const listed = await store.git(['for-each-ref', '--format=%(refname)', namespace]);
  const refs = listed.stdout.split('\n').filter(Boolean);
  if (refs.length > 0) await store.git(['update-ref', '--stdin'], { input: refs.map((r) => `delete ${r}\n`).join('') });
}

/**
 * The commits a bundle of `tips` builds on, so that it holds every tip's own commit even where
 * `kept` also reaches it (a tag whose commit a merge on main carries): the parents, outside the
 * set, of the commits between the tips and `kept`, plus of the tips themselves. All of them are
 * reachable from `kept`, so the assets repo keeps them.
 */
export async function bundleBase(store: Store, tips: string[], kept: string[]): Promise<string[]> {
  assertCommits([...tips, ...kept]);
  if (tips.length === 0) return [];
  const input = [...[...new Set(tips)], ...[...new Set(kept)].map((oid) => `^${oid}`)].join('\n') + '\n';
  const fresh = (await store.git(['rev-list', '--stdin'], { input })).stdout.split('\n').filter(Boolean);
  const inside = new Set([...fresh, ...tips]);
  const parents = await store.git(['rev-list', '--no-walk=unsorted', '--parents', '--stdin'], { input: [...inside].join('\n') + '\n' });
  const base = new Set<string>();
  for (const line of parents.stdout.split('\n')) for (const parent of line.split(' ').slice(1)) if (parent && !inside.has(parent)) base.add(parent);
  return [...base].sort();
}

export interface BundleHeader {
  /** ref -> commit, as the bundle names them. */
  refs: Map<string, string>;
  /** Commits the bundle builds on: a repository must have them to read it. */
  prerequisites: string[];
}

/**
 * Writes a git bundle of `refs` (local refs of the store, named as they will be inside it) that
 * leaves out everything reachable from `prerequisites`, then has git verify it. Written beside the
 * target and renamed, so a file at `file` is always a complete, verified bundle.
 */
export async function writeBundle(store: Store, file: string, refs: string[], prerequisites: string[]): Promise<void> {
  assertCommits(prerequisites);
  for (const ref of refs) if (!/^refs\/[^\s]+$/.test(ref)) throw new AssetSyncError('GIT_FAILED', `refusing to bundle ${JSON.stringify(ref)}`);
  assertNotOption(file, 'the bundle file');
  const temp = `${file}.asset-sync-${process.pid}.tmp`;
  try {
    const input = [...refs, ...prerequisites.map((p) => `^${p}`)].join('\n') + '\n';
    await store.git(['bundle', 'create', '--quiet', temp, '--stdin'], { input });
    await verifyBundle(store, temp);
    await rename(temp, file);
  } finally {
    await rm(temp, { force: true });
  }
}

/** `git bundle verify` in the store: the file is a bundle and the store has its prerequisites. */
export async function verifyBundle(store: Store, file: string): Promise<void> {
  assertNotOption(file, 'the bundle file');
  const result = await store.git(['bundle', 'verify', '--quiet', file], { okExitCodes: [1, 128] });
  if (result.exitCode !== 0) {
    throw new AssetSyncError('VERIFY_FAILED', `git bundle verify ${redact(file)} failed:\n${redact(result.stderr.trim().split('\n').slice(-4).join('\n'))}`);
  }
}

/** The refs and prerequisites a bundle's header lists (its text head; nothing else is read). */
export async function readBundleHeader(file: string): Promise<BundleHeader> {
  const handle = await open(file, 'r').catch((error: NodeJS.ErrnoException) => {
    throw new AssetSyncError('USAGE', `cannot read the bundle ${file}: ${error.code ?? error.message}`);
  });
  try {
    const chunks: Buffer[] = [];
    let text = '';
    for (let position = 0; !text.includes('\n\n') && position < 64 * 1024 * 1024; ) {
      const buffer = Buffer.alloc(64 * 1024);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) break;
      chunks.push(buffer.subarray(0, bytesRead));
      position += bytesRead;
      text = Buffer.concat(chunks).toString('latin1');
    }
    const lines = text.slice(0, text.indexOf('\n\n')).split('\n');
    if (!/^# v[23] git bundle$/.test(lines[0] ?? '')) throw new AssetSyncError('USAGE', `${file} is not a git bundle`);
    const header: BundleHeader = { refs: new Map(), prerequisites: [] };
    for (const line of lines.slice(1)) {
      if (line.startsWith('@')) continue;
      if (line.startsWith('-')) header.prerequisites.push(line.slice(1, 41));
      else {
        const [oid, ref] = [line.slice(0, 40), line.slice(41)];
        if (HEX40.test(oid) && ref) header.refs.set(ref, oid);
      }
    }
    return header;
  } finally {
    await handle.close();
  }
}

/**
 * Fetches refs from the store's origin, another remote or a bundle file into local refs of the
 * store (`+<ref>:<local>`), commits and trees only where the source can filter (a bundle holds
 * whole objects and sends them all).
 */
export async function fetchRefsInto(store: Store, refs: Array<{ ref: string; local: string }>, from?: string): Promise<void> {
  if (refs.length === 0) return;
  for (const r of [...refs.map((x) => x.ref), ...refs.map((x) => x.local)]) {
    if (!/^refs\/[^\s:]+$/.test(r)) throw new AssetSyncError('GIT_FAILED', `refusing the ref ${JSON.stringify(r)}`);
  }
  const remote = remoteOf(from);
  await store.git(['fetch', '--filter=blob:none', '--no-tags', '--no-write-fetch-head', '--stdin', remote.name], {
    config: remote.settings,
    input: refs.map((r) => `+${r.ref}:${r.local}`).join('\n') + '\n',
    network: true,
  });
}
