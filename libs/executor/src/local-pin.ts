import { join } from 'node:path';
import { publishedPin } from '@asset-sync/assets-json';
import { adoptCommit, composeTree, foldersAt, syntheticCommit, type Store } from '@asset-sync/git-store';
import { writeBreadcrumb } from './breadcrumbs.js';
import { layoutState, writeState, type PackageRecord, type RestoreState } from './state.js';
import type { Workspace } from './types.js';

/**
 * After a push: the package's record moves to the new pin, and its checkout's index and HEAD to
 * the tree that now includes it. No file is written or moved: the files on disk are the pushed
 * content, so the folder `locate` printed keeps working, and anything else pending stays pending.
 */
export async function adoptPushedPin(
  workspace: Workspace,
  state: RestoreState,
  record: PackageRecord,
  pushed: { pin: string; commit: string; dialect: 'tag' | 'branch' },
  store: Store,
): Promise<void> {
  const lstate = layoutState(state, workspace.layout);
  const [folder] = await foldersAt(store, [{ commit: pushed.commit, path: record.path }]);
  const tree = folder?.kind === 'tree' ? folder.oid : null;
  const pin = publishedPin(pushed.dialect, pushed.pin);
  lstate.packages[record.id] = { ...record, pin, pinText: pushed.pin, commit: pushed.commit, tree };
  const dir = join(workspace.assetsDir, record.checkout);
  const checkout = lstate.checkouts[record.checkout]!;
  if (workspace.layout === 'shared') {
    const grafts = Object.values(lstate.packages).filter((p) => p.checkout === record.checkout).map((p) => ({ path: p.path, tree: p.tree }));
    checkout.tree = await composeTree(store, grafts);
    checkout.commit = await syntheticCommit(store, checkout.tree);
  } else {
    checkout.commit = pushed.commit;
    checkout.tree = await store.treeOf(pushed.commit);
  }
  await adoptCommit(dir, checkout.commit);
  state.repoRoot ??= workspace.repoRoot;
  await writeState(workspace.assetsDir, state);
  // The proxy skips its own restore only where its breadcrumb names the pin assets.json will name.
  if (workspace.layout === 'test-proxy') await writeBreadcrumb(workspace.assetsDir, record.checkout, record.id, pushed.pin);
}

export type { PackageRecord };
