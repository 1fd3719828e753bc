import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  convertClone,
  deleteBranches,
  detachHead,
  foldersAt,
  importClone,
  isStandaloneClone,
  proxyBranchFacts,
  setSparsePatterns,
  syncCheckout,
  type Store,
} from '@asset-sync/git-store';
import { pinKey, type Pin } from '@asset-sync/assets-json';
import {
  assetsPathOf,
  isTestProxyPushBranch,
  strayProxyBranches,
  testProxyHash,
  testProxySparsePatterns,
  type RequestFailure,
  type RestoreRequest,
} from '@asset-sync/planner';
import { failureOf } from './errors.js';
import type { CheckoutRecord, LayoutState } from './state.js';

/**
 * A test-proxy layout folder: a worktree at the pin's commit holding what the proxy's own
 * sparse patterns select (the package folder, `eng/`, `.gitignore`), as the proxy lays out
 * `.assets/<hash>`. `force` rewrites what is there (a resumed move, or pending changes the user
 * chose to discard).
 */
export async function syncProxyCheckout(store: Store, dir: string, commit: string, folders: string[], force: boolean): Promise<void> {
  await syncCheckout(store, { dir, commit, paths: folders, patterns: patternsOf(folders), force });
  for (const folder of folders) await mkdir(join(dir, folder), { recursive: true });
}

/**
 * After the index of a test-proxy folder was read again from a tree (its metadata rebuilt, or
 * HEAD put back under changed files), the proxy's patterns go back on, so what they leave out is
 * not taken for deleted: by asset-sync, or by the proxy's push, which commits `git add -A .`.
 */
export async function reapplyProxyPatterns(lstate: LayoutState, dir: string, abs: string): Promise<void> {
  const folders = Object.values(lstate.packages).filter((p) => p.checkout === dir).map((p) => p.path);
  if (folders.length > 0) await setSparsePatterns(abs, patternsOf(folders));
}

function patternsOf(folders: string[]): string[] {
  return [...new Set(folders.flatMap(testProxySparsePatterns))];
}

/** One folder the proxy may have cloned: which assets.json it is for, and the tag it should be at. */
interface ProxyFolder {
  dir: string;
  id: string;
  assetsRepo: string;
  prefix: string;
  path: string;
  tag?: string;
}

/**
 * Folders the proxy cloned itself (it does when it restores before asset-sync has, or after a
 * folder was deleted) become worktrees of the store, their files left as they are: what the
 * clone already holds is copied into the store (no fetch), and the folder is recorded at the
 * tagged commit its files came from, so unpushed recordings show as pending changes and are
 * kept. A clone that cannot be taken over fails its package alone and is left untouched.
 */
export async function adoptProxyClones(input: { assetsDir: string; lstate: LayoutState; stores: Map<string, Store>; requests: RestoreRequest[]; failures: RequestFailure[] }): Promise<void> {
  for (const folder of proxyFolders(input.lstate, input.requests)) {
    const store = input.stores.get(folder.assetsRepo);
    const abs = join(input.assetsDir, folder.dir);
    if (!store || input.failures.some((f) => f.id === folder.id) || !isStandaloneClone(abs)) continue;
    try {
      const cloned = await importClone(store, abs, folder.tag);
      await convertClone(store, abs, cloned.base, testProxySparsePatterns(folder.path));
      const pin: Pin = cloned.tag ? { kind: 'tag', tag: cloned.tag } : { kind: 'sha', sha: cloned.base };
      await recordAt(store, input.lstate, folder, cloned.base, pin, cloned.tag ?? cloned.base);
    } catch (error) {
      input.failures.push(failureOf(folder.id, error));
    }
  }
}

/** The folders of this run's requests, then the recorded ones no request names. */
function proxyFolders(lstate: LayoutState, requests: RestoreRequest[]): ProxyFolder[] {
  const folders = new Map<string, ProxyFolder>();
  for (const r of requests) {
    const dir = testProxyHash(r.assetsRepo, r.id);
    folders.set(dir, { dir, id: r.id, assetsRepo: r.assetsRepo, prefix: r.prefix, path: assetsPathOf(r.prefix, r.packagePath), ...(r.pin.kind === 'tag' ? { tag: r.pin.tag } : {}) });
  }
  for (const p of Object.values(lstate.packages)) {
    if (folders.has(p.checkout)) continue;
    folders.set(p.checkout, { dir: p.checkout, id: p.id, assetsRepo: p.assetsRepo, prefix: p.prefix, path: p.path, ...(p.pin.kind === 'tag' ? { tag: p.pin.tag } : {}) });
  }
  return [...folders.values()];
}

/**
 * HEAD moved under a recorded folder. When it is the commit the assets.json's pin names, that is
 * the proxy's doing (its restore checked out the new pin, or its push committed and tagged on a
 * branch of its own): the folder and the package are recorded there, HEAD is taken off the
 * proxy's branch, and no file is touched. Returns false for any other move.
 */
export async function followProxyHead(
  store: Store,
  lstate: LayoutState,
  folderAt: { dir: string; abs: string; head: string; branch?: string },
  request: RestoreRequest | undefined,
): Promise<boolean> {
  const { dir, head } = folderAt;
  if (!request || !(await isPinnedHead(store, request.pin, head))) return false;
  if (folderAt.branch) await detachHead(folderAt.abs, head);
  const folder = { dir, id: request.id, assetsRepo: request.assetsRepo, prefix: request.prefix, path: assetsPathOf(request.prefix, request.packagePath) };
  await recordAt(store, lstate, folder, head, request.pin, request.pinText);
  return true;
}

/** True when the pin names this commit in the store (the proxy fetched or made the tag there: no network). */
export async function isPinnedHead(store: Store, pin: Pin, head: string): Promise<boolean> {
  const peeled = (await store.peelPins([pin])).get(pinKey(pin));
  return peeled?.type === 'commit' && peeled.oid === head;
}

/** Records a folder and its one package at a commit. */
async function recordAt(store: Store, lstate: LayoutState, folder: Omit<ProxyFolder, 'tag'>, commit: string, pin: Pin, pinText: string): Promise<void> {
  const [found] = await foldersAt(store, [{ commit, path: folder.path }]);
  const record: CheckoutRecord = { assetsRepo: folder.assetsRepo, tree: await store.treeOf(commit), commit };
  lstate.checkouts[folder.dir] = record;
  for (const p of Object.values(lstate.packages)) if (p.checkout === folder.dir) delete lstate.packages[p.id];
  lstate.packages[folder.id] = {
    id: folder.id,
    assetsRepo: folder.assetsRepo,
    path: folder.path,
    prefix: folder.prefix,
    pin,
    pinText,
    commit,
    tree: found?.kind === 'tree' ? found.oid : null,
    checkout: folder.dir,
  };
}

/**
 * Deletes the push branches the proxy leaves in the store once nothing needs them (checked out
 * nowhere, their commit tagged); returns their names. One directory read when there are none.
 */
export async function removeStrayProxyBranches(store: Store): Promise<string[]> {
  const facts = await proxyBranchFacts(store, isTestProxyPushBranch);
  if (!facts) return [];
  const stray = strayProxyBranches(facts);
  await deleteBranches(store, facts.branches.filter((b) => stray.includes(b.name)));
  return stray;
}

export type { CheckoutRecord };
