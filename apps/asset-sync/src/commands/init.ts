import { resolve as resolvePath } from 'node:path';
import { init } from '@asset-sync/executor';
import { workspaceFor } from '../context.js';
import type { CommandResult, GlobalOptions } from '../result.js';

/** Creates an assets.json for a new package or service. */
export interface InitFlags {
  assetsRepo?: string;
  prefix?: string;
}

export async function initCommand(globals: GlobalOptions, dir: string | undefined, flags: InitFlags): Promise<CommandResult> {
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
