import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomically } from '@asset-sync/assets-json';
import { updateBreadcrumb, type RestorePlan } from '@asset-sync/planner';

/**
 * The test-proxy's record of what each `.assets/<hash>` folder holds: one file per folder, one
 * line `<assets.json path>;<hash>;<tag>` per assets.json. The proxy seeds its map of restored
 * tags from these and skips its own restore for a line that matches the assets.json, so a line
 * is written only for a folder that holds exactly that pin; a line it cannot read makes it fail.
 */
export async function writeBreadcrumbs(assetsDir: string, plan: RestorePlan): Promise<void> {
  for (const p of plan.packages) {
    if (!p.checkout || p.action === 'failed' || p.action === 'keep') continue;
    await writeBreadcrumb(assetsDir, p.checkout, p.id, p.action === 'remove' ? null : p.pinText ?? '');
  }
}

/** Sets (or with `tag: null` drops) one assets.json's line, keeping the others; writes only on change. */
export async function writeBreadcrumb(assetsDir: string, hash: string, id: string, tag: string | null): Promise<void> {
  const file = join(assetsDir, 'breadcrumb', `${hash}.breadcrumb`);
  const current = existsSync(file) ? await readFile(file, 'utf8') : undefined;
  const next = updateBreadcrumb(current, id, tag === null ? null : { path: id, hash, tag });
  if (next === undefined) return;
  if (next === '') return rm(file, { force: true });
  await mkdir(join(assetsDir, 'breadcrumb'), { recursive: true });
  await writeFileAtomically(file, next);
}
