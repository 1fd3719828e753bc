import { locate, selectPackages } from '@asset-sync/executor';
import { workspaceFor } from '../context.js';
import type { CommandResult, GlobalOptions } from '../result.js';
import { applyProxyFlags, singlePath, type ProxyVerbFlags } from './proxy-verbs.js';

export type LocateFlags = ProxyVerbFlags;

/**
 * Prints the directory to start the test-proxy in for the package governing PATH, as one line
 * (`config locate -a`: the line scripts written for the proxy read last).
 */
export async function locateCommand(given: GlobalOptions, path: string | undefined, flags: LocateFlags): Promise<CommandResult> {
  const { globals, paths, layout } = applyProxyFlags(given, path ? [path] : [], flags);
  const only = singlePath('locate', paths);
  const workspace = await workspaceFor(globals, layout);
  const selection = await selectPackages(workspace, { paths: only ? [only] : [] });
  const found = await locate(workspace, selection.entries[0]!);
  return { exitCode: 0, json: found, text: found.locate };
}
