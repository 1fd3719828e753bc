import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { syncCheckout, type Store } from '@asset-sync/git-store';

/**
 * A test-proxy layout folder: a worktree at the pin's commit with the package's folder checked
 * out, as the proxy lays out `.assets/<hash>`. `force` rewrites what is there (a resumed move, or
 * pending changes the user chose to discard).
 */
export async function syncProxyCheckout(store: Store, dir: string, commit: string, folders: string[], force: boolean): Promise<void> {
  await syncCheckout(store, { dir, commit, paths: folders, force });
  for (const folder of folders) await mkdir(join(dir, folder), { recursive: true });
}
