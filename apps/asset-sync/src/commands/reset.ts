import { describeChanges, reset, selectPackages } from '@asset-sync/executor';
import type { PendingChanges } from '@asset-sync/git-store';
import { workspaceFor } from '../context.js';
import { askYesNo } from '../prompt.js';
import type { Io } from '../main.js';
import type { CommandResult, GlobalOptions } from '../result.js';
import { proxyTargets, singleTarget, type ProxyVerbFlags } from './proxy-verbs.js';

/** Throws away the package's pending changes and returns to its pinned content. */
export async function resetCommand(given: GlobalOptions, io: Io, path: string | undefined, flags: { yes?: boolean } & ProxyVerbFlags): Promise<CommandResult> {
  const { globals, paths, layout } = proxyTargets(given, path ? [path] : [], flags);
  const target = singleTarget('reset', paths);
  const workspace = await workspaceFor(globals, layout);
  const selection = await selectPackages(workspace, { paths: target ? [target] : [] });
  const entry = selection.entries[0]!;
  const report = await reset({
    workspace,
    entry,
    context: selection.context,
    yes: flags.yes === true,
    ...(io.interactive && !globals.json ? { confirm: (changes: PendingChanges) => confirm(io, entry.path, changes) } : {}),
  });
  const n = report.discarded.added.length + report.discarded.modified.length + report.discarded.deleted.length;
  const text = n > 0 ? `Discarded ${describeChanges(report.discarded)}; ${entry.path} is back at ${report.pin || 'the fallback branch head'}.` : `No pending changes in ${entry.packagePath || '.'}; it is at ${report.pin || 'the fallback branch head'}.`;
  return { exitCode: 0, json: report, text };
}

async function confirm(io: Io, id: string, changes: PendingChanges): Promise<boolean> {
  io.err(`reset would discard these pending changes of ${id}:\n`);
  for (const [kind, files] of Object.entries(changes) as Array<[string, string[]]>) for (const f of files) io.err(`  ${kind.padEnd(8)} ${f}\n`);
  return askYesNo('Discard them?');
}
