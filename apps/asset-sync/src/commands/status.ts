import { selectPackages, status } from '@asset-sync/executor';
import { workspaceFor } from '../context.js';
import { formatStatus } from '../render/status.js';
import type { CommandResult, GlobalOptions } from '../result.js';

export interface StatusFlags {
  all?: boolean;
  filter?: string[];
  layout?: string;
}

export async function statusCommand(globals: GlobalOptions, paths: string[], flags: StatusFlags): Promise<CommandResult> {
  const workspace = await workspaceFor(globals, flags.layout);
  const selection = await selectPackages(workspace, { all: flags.all === true, paths, ...(flags.filter ? { filter: flags.filter } : {}) });
  const reports = await status(workspace, selection.entries);
  return { exitCode: reports.some((r) => r.error) ? 1 : 0, json: reports, text: formatStatus(reports) };
}
