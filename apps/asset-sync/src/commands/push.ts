import { push, selectPackages } from '@asset-sync/executor';
import { workspaceFor } from '../context.js';
import type { CommandResult, GlobalOptions } from '../result.js';
import { applyProxyFlags, singlePath, type ProxyVerbFlags } from './proxy-verbs.js';

/** Commits the package's pending recordings, publishes them, and writes the new pin. */
export interface PushFlags extends ProxyVerbFlags {
  allowSecret?: string[];
  fork?: string;
  /** Accepted for scripts; push never discards anything. */
  yes?: boolean;
}

export async function pushCommand(given: GlobalOptions, path: string | undefined, flags: PushFlags): Promise<CommandResult> {
  const { globals, paths, layout } = applyProxyFlags(given, path ? [path] : [], flags);
  const only = singlePath('push', paths);
  const workspace = await workspaceFor(globals, layout);
  const selection = await selectPackages(workspace, { paths: only ? [only] : [] });
  // --fork, else ASSET_SYNC_FORK, else asset-sync.yaml's fork: a contributor without write access.
  const forkValue = flags.fork ?? workspace.config.fork;
  const fork = forkValue === undefined ? undefined : workspace.otherRemote(forkValue);
  const report = await push({ workspace, entry: selection.entries[0]!, context: selection.context, allowSecrets: flags.allowSecret ?? [], ...(fork ? { fork } : {}) });
  const lines = [report.message];
  if (report.status === 'pushed') lines.push(`new pin: ${report.pin}`);
  return { exitCode: 0, json: report, text: lines.join('\n') };
}
