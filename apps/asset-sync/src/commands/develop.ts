import { createInterface } from 'node:readline/promises';
import { resolve as resolvePath } from 'node:path';
import { describeChanges, init, push, reset, resolve, selectPackages } from '@asset-sync/executor';
import { findGoverningAssetsJson } from '@asset-sync/discovery';
import type { PendingChanges } from '@asset-sync/git-store';
import { workspaceFor } from '../context.js';
import type { Io } from '../main.js';
import type { CommandResult, GlobalOptions } from '../result.js';

/** Commits the package's pending recordings, publishes them, and writes the new pin. */
export async function pushCommand(globals: GlobalOptions, path: string | undefined, flags: { allowSecret?: string[] }): Promise<CommandResult> {
  const workspace = await workspaceFor(globals);
  const selection = await selectPackages(workspace, { paths: path ? [path] : [] });
  const report = await push({ workspace, entry: selection.entries[0]!, context: selection.context, allowSecrets: flags.allowSecret ?? [] });
  const lines = [report.message];
  if (report.status === 'pushed') lines.push(`new pin: ${report.pin}`);
  return { exitCode: 0, json: report, text: lines.join('\n') };
}

/** Throws away the package's pending changes and returns to its pinned content. */
export async function resetCommand(globals: GlobalOptions, io: Io, path: string | undefined, flags: { yes?: boolean }): Promise<CommandResult> {
  const workspace = await workspaceFor(globals);
  const selection = await selectPackages(workspace, { paths: path ? [path] : [] });
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
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question('Discard them? [y/N] ')).trim());
  } finally {
    rl.close();
  }
}

/** Creates an assets.json for a new package or service. */
export async function initCommand(globals: GlobalOptions, dir: string | undefined, flags: { assetsRepo?: string; prefix?: string }): Promise<CommandResult> {
  const workspace = await workspaceFor(globals);
  const report = await init({
    workspace,
    dir: resolvePath(globals.cwd, dir ?? '.'),
    ...(flags.assetsRepo ? { assetsRepo: flags.assetsRepo } : {}),
    ...(flags.prefix !== undefined ? { prefix: flags.prefix } : {}),
  });
  const folder = report.path.replace(/\/?assets\.json$/, '') || '.';
  const text = [
    `Created ${report.path}${report.copiedFrom ? ` (copied from ${report.copiedFrom}, without its pin)` : ''}.`,
    `Next: asset-sync restore ${folder}   # an empty folder to record into`,
    `      record your tests, then: asset-sync push ${folder}`,
  ].join('\n');
  return { exitCode: 0, json: report, text };
}

/** Combines the two pins a merge left in conflict markers. */
export async function resolveCommand(globals: GlobalOptions, path: string | undefined): Promise<CommandResult> {
  const workspace = await workspaceFor(globals);
  const target = resolvePath(globals.cwd, path ?? '.');
  const file = target.endsWith('assets.json') ? target : await findGoverningAssetsJson(target, workspace.repoRoot);
  const context = (await selectPackages(workspace, { all: true }).catch(() => undefined))?.context ?? [];
  const report = await resolve({ workspace, file, context });
  const text = `Resolved ${report.id}: ${report.ours} + ${report.theirs} -> ${report.pin} (${report.merged.ours} + ${report.merged.theirs} files changed since their common base).\nNext: asset-sync restore ${report.id.replace(/\/?assets\.json$/, '') || '.'}, then commit assets.json.`;
  return { exitCode: 0, json: report, text };
}
