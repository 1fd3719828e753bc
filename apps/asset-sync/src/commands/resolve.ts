import { resolve as resolvePath } from 'node:path';
import { resolve, selectPackages } from '@asset-sync/executor';
import { findGoverningAssetsJson } from '@asset-sync/discovery';
import { workspaceFor } from '../context.js';
import type { CommandResult, GlobalOptions } from '../result.js';

/** Combines the two pins a merge left in conflict markers. */
export async function resolveCommand(globals: GlobalOptions, path: string | undefined): Promise<CommandResult> {
  const workspace = await workspaceFor(globals);
  const given = resolvePath(globals.cwd, path ?? '.');
  const file = given.endsWith('assets.json') ? given : await findGoverningAssetsJson(given, workspace.repoRoot);
  const context = (await selectPackages(workspace, { all: true }).catch(() => undefined))?.context ?? [];
  const report = await resolve({ workspace, file, context });
  const text = `Resolved ${report.id}: ${report.ours} + ${report.theirs} -> ${report.pin} (${report.merged.ours} + ${report.merged.theirs} files changed since their common base).\nNext: asset-sync restore ${report.id.replace(/\/?assets\.json$/, '') || '.'}, then commit assets.json.`;
  return { exitCode: 0, json: report, text };
}
