import { grep, selectPackages } from '@asset-sync/executor';
import { workspaceFor } from '../context.js';
import { formatMatches } from '../render/grep.js';
import type { CommandResult, GlobalOptions } from '../result.js';

export interface GrepFlags {
  all?: boolean;
  filter?: string[];
  pinsFrom?: string[];
  filesWithMatches?: boolean;
  ignoreCase?: boolean;
  fixedStrings?: boolean;
  /** Accepted as grep takes it: a regular expression is the default. */
  extendedRegexp?: boolean;
}

/** Searches every pinned recording without restoring it. Exit 0 matched, 1 nothing did, 2 an error (as grep does). */
export async function grepCommand(globals: GlobalOptions, pattern: string, paths: string[], flags: GrepFlags): Promise<CommandResult> {
  const workspace = await workspaceFor(globals);
  const selection = await selectPackages(workspace, { all: flags.all === true, paths, ...(flags.filter ? { filter: flags.filter } : {}) });
  const report = await grep({
    workspace,
    entries: selection.entries,
    ...(flags.pinsFrom?.length ? { pinsFrom: flags.pinsFrom } : {}),
    allAtRefs: flags.all === true && !flags.filter?.length,
    pattern: { pattern, fixed: flags.fixedStrings === true, ignoreCase: flags.ignoreCase === true },
  });
  const warnings = report.failures.map((f) => `asset-sync grep: ${f.message}${f.hint ? `\n  hint: ${f.hint}` : ''}`);
  return { exitCode: report.failures.length > 0 ? 2 : report.matched ? 0 : 1, json: report, text: formatMatches(report, flags), ...(warnings.length ? { warnings } : {}) };
}
