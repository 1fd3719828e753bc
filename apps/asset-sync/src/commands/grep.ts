import { grep, selectPackages, type GrepReport } from '@asset-sync/executor';
import { workspaceFor } from '../context.js';
import type { CommandResult, GlobalOptions } from '../result.js';

export interface GrepFlags {
  all?: boolean;
  filter?: string[];
  pinsFrom?: string[];
  filesWithMatches?: boolean;
  ignoreCase?: boolean;
  fixedStrings?: boolean;
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

/** `package: file:line: text`, or `package: file` with -l; with --pins-from each package says its pin. */
function formatMatches(report: GrepReport, flags: GrepFlags): string {
  const label = (m: { packagePath: string; pin: string }): string => (flags.pinsFrom?.length ? `${m.packagePath || '.'}@${m.pin || '(fallback branch)'}` : m.packagePath || '.');
  if (flags.filesWithMatches) return [...new Set(report.matches.map((m) => `${label(m)}: ${m.file}`))].join('\n');
  return report.matches.map((m) => (m.binary ? `${label(m)}: ${m.file}: binary file matches` : `${label(m)}: ${m.file}:${m.line}: ${m.text}`)).join('\n');
}
