import { locate, selectPackages } from '@asset-sync/executor';
import { workspaceFor } from '../context.js';
import type { CommandResult, GlobalOptions } from '../result.js';

/** Prints the directory to start the test-proxy in for the package governing PATH. */
export async function locateCommand(globals: GlobalOptions, path: string | undefined, flags: { layout?: string }): Promise<CommandResult> {
  const workspace = await workspaceFor(globals, flags.layout);
  const selection = await selectPackages(workspace, { paths: path ? [path] : [] });
  const found = await locate(workspace, selection.entries[0]!);
  return { exitCode: 0, json: found, text: found.locate };
}
