import { selectPackages, verifyPins } from '@asset-sync/executor';
import { workspaceFor } from '../context.js';
import type { CommandResult, GlobalOptions } from '../result.js';

/** Exit 1, naming each assets.json, when a pin is not on the assets repo itself: the PR gate before a merge. */
export interface VerifyPinsFlags {
  all?: boolean;
  filter?: string[];
}

export async function verifyPinsCommand(globals: GlobalOptions, paths: string[], flags: VerifyPinsFlags): Promise<CommandResult> {
  const workspace = await workspaceFor(globals);
  const selection = await selectPackages(workspace, { all: flags.all === true, paths, ...(flags.filter ? { filter: flags.filter } : {}) });
  const report = await verifyPins(workspace, selection.entries);
  const bad = report.pins.filter((p) => !p.onUpstream);
  if (bad.length === 0) return { exitCode: 0, json: report, text: `All ${report.pins.length} pin${report.pins.length === 1 ? ' is' : 's are'} on the assets repo.` };
  const lines = [`${bad.length} of ${report.pins.length} assets.json pin something the assets repo does not have:`];
  for (const p of bad) lines.push(`  ${p.id}: ${p.problem ?? 'not on the assets repo'}${p.foundOn ? ` (the fork ${p.foundOn} has it)` : ''}`);
  const forks = [...new Set(bad.flatMap((p) => (p.foundOn ? [p.foundOn] : [])))];
  lines.push(`hint: someone with write access runs: asset-sync adopt --all --from ${forks.length === 1 ? forks[0] : '<owner>/<name of the fork>'}`);
  return { exitCode: 1, json: report, text: lines.join('\n') };
}
