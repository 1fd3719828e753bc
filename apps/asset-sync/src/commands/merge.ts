import { merge, selectPackages } from '@asset-sync/executor';
import { workspaceFor } from '../context.js';
import { formatMerge } from '../render/merge.js';
import type { CommandResult, GlobalOptions } from '../result.js';

export interface MergeFlags {
  dryRun?: boolean;
}

/** Folds every pin into one commit on the assets repo's fallback branch and repins where sound. */
export async function mergeCommand(globals: GlobalOptions, flags: MergeFlags): Promise<CommandResult> {
  const workspace = await workspaceFor(globals);
  const selection = await selectPackages(workspace, { all: true });
  const report = await merge({ workspace, entries: selection.entries, dryRun: flags.dryRun === true });
  return { exitCode: 0, json: report, text: formatMerge(report) };
}
