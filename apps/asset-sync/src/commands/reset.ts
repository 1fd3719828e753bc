import { reset, selectPackages } from '@asset-sync/executor';
import type { PendingChanges } from '@asset-sync/git-store';
import { workspaceFor } from '../context.js';
import { askYesNo } from '../prompt.js';
import type { Io } from '../main.js';
import { formatReset } from '../render/reset.js';
import type { CommandResult, GlobalOptions } from '../result.js';
import { applyProxyFlags, singlePath, type ProxyVerbFlags } from './proxy-verbs.js';

export interface ResetFlags extends ProxyVerbFlags {
  yes?: boolean;
}

/** Throws away the package's pending changes and returns to its pinned content. */
export async function resetCommand(given: GlobalOptions, io: Io, path: string | undefined, flags: ResetFlags): Promise<CommandResult> {
  const { globals, paths, layout } = applyProxyFlags(given, path ? [path] : [], flags);
  const only = singlePath('reset', paths);
  const workspace = await workspaceFor(globals, layout);
  const selection = await selectPackages(workspace, { paths: only ? [only] : [] });
  const entry = selection.entries[0]!;
  const report = await reset({
    workspace,
    entry,
    context: selection.context,
    yes: flags.yes === true,
    ...(io.interactive && !globals.json ? { confirm: (changes: PendingChanges) => confirm(io, entry.path, changes) } : {}),
  });
  return { exitCode: 0, json: report, text: formatReset(report, entry) };
}

async function confirm(io: Io, id: string, changes: PendingChanges): Promise<boolean> {
  io.err(`reset would discard these pending changes of ${id}:\n`);
  for (const [kind, files] of Object.entries(changes) as Array<[string, string[]]>) for (const f of files) io.err(`  ${kind.padEnd(8)} ${f}\n`);
  return askYesNo('Discard them?');
}
