import type { GrepReport } from '@asset-sync/executor';
import type { GrepFlags } from '../commands/grep.js';

/** `package: file:line: text`, or `package: file` with -l; with --pins-from each package says its pin. */
export function formatMatches(report: GrepReport, flags: Pick<GrepFlags, 'pinsFrom' | 'filesWithMatches'>): string {
  const label = (m: { packagePath: string; pin: string }): string => (flags.pinsFrom?.length ? `${m.packagePath || '.'}@${m.pin || '(fallback branch)'}` : m.packagePath || '.');
  if (flags.filesWithMatches) return [...new Set(report.matches.map((m) => `${label(m)}: ${m.file}`))].join('\n');
  return report.matches.map((m) => (m.binary ? `${label(m)}: ${m.file}: binary file matches` : `${label(m)}: ${m.file}:${m.line}: ${m.text}`)).join('\n');
}
