import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RestorePlan } from '@asset-sync/planner';

/**
 * The test-proxy's record of what each `.assets/<hash>` folder holds: one file per folder, one
 * line `<assets.json path>;<hash>;<tag>`. The proxy seeds its map of restored tags from these.
 */
export async function writeBreadcrumbs(assetsDir: string, plan: RestorePlan): Promise<void> {
  const dir = join(assetsDir, 'breadcrumb');
  await mkdir(dir, { recursive: true });
  for (const p of plan.packages) {
    if (!p.checkout) continue;
    const file = join(dir, `${p.checkout}.breadcrumb`);
    if (p.action === 'remove') await rm(file, { force: true });
    else if (p.action !== 'failed' && p.action !== 'keep') await writeFile(file, `${p.id};${p.checkout};${p.pinText ?? ''}`);
  }
}
