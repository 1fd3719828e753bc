import { discoverAll } from '@asset-sync/discovery';
import { workspaceFor } from '../context.js';
import { formatDiscovered, type DiscoveredRow } from '../render/discover.js';
import type { CommandResult, GlobalOptions } from '../result.js';

/** Every assets.json of the language repo with dialect, assets repo, prefix, pin and problems. */
export async function discoverCommand(globals: GlobalOptions): Promise<CommandResult> {
  const workspace = await workspaceFor(globals);
  const entries = await discoverAll(workspace.repoRoot, workspace.config);
  const rows = entries.map((e): DiscoveredRow => ({
    path: e.path,
    packagePath: e.packagePath,
    dialect: e.dialect ?? null,
    assetsRepo: e.assetsRepo ?? null,
    prefix: e.prefixPath ?? null,
    pin: e.pin ?? null,
    ...(e.branch ? { branch: e.branch } : {}),
    problems: e.problems,
  }));
  const broken = rows.filter((r) => r.problems.length > 0);
  return { exitCode: broken.length > 0 ? 1 : 0, json: { entries: rows, count: rows.length, broken: broken.length }, text: formatDiscovered(rows) };
}
