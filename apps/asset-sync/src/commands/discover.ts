import { formatProblem } from '@asset-sync/errors';
import { discoverAll } from '@asset-sync/discovery';
import { workspaceFor } from '../context.js';
import type { CommandResult, GlobalOptions } from '../result.js';

/** Every assets.json of the language repo with dialect, assets repo, prefix, pin and problems. */
export async function discoverCommand(globals: GlobalOptions): Promise<CommandResult> {
  const workspace = await workspaceFor(globals);
  const entries = await discoverAll(workspace.repoRoot, workspace.config);
  const rows = entries.map((e) => ({
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
  const lines = rows.map((r) => {
    if (r.problems.length > 0) return `${r.path}: INVALID\n${r.problems.map((p) => `  ${formatProblem(p)}${p.hint ? `\n    hint: ${p.hint}` : ''}`).join('\n')}`;
    const pin = r.pin && r.pin.kind === 'tag' ? r.pin.tag : r.pin && r.pin.kind === 'sha' ? r.pin.sha : '(nothing pushed yet)';
    return `${r.path}: ${r.dialect} ${r.assetsRepo} prefix "${r.prefix}" pin ${pin}`;
  });
  lines.push(`${rows.length} assets.json, ${broken.length} with problems`);
  return { exitCode: broken.length > 0 ? 1 : 0, json: { entries: rows, count: rows.length, broken: broken.length }, text: lines.join('\n') };
}
