import { findRepoRoot } from '@asset-sync/discovery';
import { openWorkspace, type Workspace } from '@asset-sync/executor';
import type { Layout } from '@asset-sync/planner';
import { AssetSyncError } from '@asset-sync/errors';
import type { GlobalOptions } from './result.js';

/** The language repo around the working directory, with its effective config. */
export async function workspaceFor(globals: GlobalOptions, layout?: string): Promise<Workspace> {
  const repoRoot = await findRepoRoot(globals.cwd);
  return openWorkspace(repoRoot, { layout: parseLayout(layout), cwd: globals.cwd });
}

export function parseLayout(value: string | undefined): Layout {
  if (value === undefined || value === 'shared') return 'shared';
  if (value === 'test-proxy') return 'test-proxy';
  throw new AssetSyncError('USAGE', `--layout must be "shared" or "test-proxy", found "${value}"`);
}

export function parsePositiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new AssetSyncError('USAGE', `${flag} must be a positive whole number, found "${value}"`);
  return n;
}
