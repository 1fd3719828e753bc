import { describeChanges, selectPackages, status } from '@asset-sync/executor';
import { workspaceFor } from '../context.js';
import type { CommandResult, GlobalOptions } from '../result.js';

export async function statusCommand(globals: GlobalOptions, paths: string[], flags: { all?: boolean; filter?: string[]; layout?: string }): Promise<CommandResult> {
  const workspace = await workspaceFor(globals, flags.layout);
  const selection = await selectPackages(workspace, { all: flags.all === true, paths, ...(flags.filter ? { filter: flags.filter } : {}) });
  const reports = await status(workspace, selection.entries);
  const lines: string[] = [];
  for (const r of reports) {
    const state = r.error ? 'invalid' : !r.restored ? 'not restored' : r.upToDate ? 'restored' : 'restored at an older pin';
    lines.push(`${r.id}: ${state}${r.pin !== undefined ? ` (pin ${r.pin || 'none: nothing pushed yet'})` : ''}`);
    if (r.pending) lines.push(`  pending changes: ${describeChanges(r.pending)}`);
    if (r.error) lines.push(`  ${r.error.message.split('\n').join('\n  ')}`);
  }
  const bad = reports.some((r) => r.error);
  return { exitCode: bad ? 1 : 0, json: reports, text: lines.join('\n') };
}
