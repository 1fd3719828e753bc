import { relative } from 'node:path';
import { resolveRemoteUrl } from '@asset-sync/config';
import { discoverOne, findGoverningAssetsJson } from '@asset-sync/discovery';
import { isAssetSyncError, redact } from '@asset-sync/errors';
import { workspaceFor } from '../context.js';
import type { CommandResult, GlobalOptions } from '../result.js';
import { applyProxyFlags, singlePath, type ProxyVerbFlags } from './proxy-verbs.js';

export type ConfigShowFlags = ProxyVerbFlags;

/** The resolved assets.json for PATH and the effective config, with where each value came from. */
export async function configShowCommand(given: GlobalOptions, givenPath: string | undefined, flags: ConfigShowFlags = {}): Promise<CommandResult> {
  const { globals, paths } = applyProxyFlags(given, givenPath ? [givenPath] : [], flags);
  const path = singlePath('config show', paths);
  const workspace = await workspaceFor(globals);
  const { config } = workspace;
  let assetsJson: unknown = null;
  let remote: unknown = null;
  try {
    const file = await findGoverningAssetsJson(path ? relativeTo(globals.cwd, path) : globals.cwd, workspace.repoRoot);
    const entry = await discoverOne(file, workspace.repoRoot);
    assetsJson = entry;
    if (entry.assetsRepo) {
      const chosen = resolveRemoteUrl(config, entry.assetsRepo, workspace.originUrl ? { originUrl: workspace.originUrl } : {});
      remote = { ...chosen, url: redact(chosen.url) };
    }
  } catch (error) {
    if (!isAssetSyncError(error) || path) throw error;
  }
  const effective = {
    repoRoot: config.repoRoot,
    configFile: config.configFile ?? null,
    assetsDir: config.assetsDir,
    storeDir: config.storeDir ?? null,
    discovery: config.discovery,
    concurrency: config.concurrency,
    remotes: Object.fromEntries(Object.entries(config.remotes).map(([k, v]) => [k, redact(v)])),
    remoteUrlTemplate: redact(config.remoteUrlTemplate),
    fork: config.fork === undefined ? null : redact(config.fork),
    fallbackRemotes: config.fallbackRemotes.map((r) => redact(r)),
    recordings: config.recordings,
    defaults: config.defaults,
    sources: config.sources,
  };
  const lines: string[] = [];
  if (assetsJson) lines.push(`assets.json: ${JSON.stringify(assetsJson, null, 2)}`);
  if (remote) lines.push(`remote: ${JSON.stringify(remote)}`);
  lines.push(`config (${config.configFile ? relative(config.repoRoot, config.configFile) : 'no asset-sync.yaml'}):`);
  for (const [key, value] of Object.entries(effective)) {
    if (key === 'sources') continue;
    lines.push(`  ${key}: ${JSON.stringify(value)}${config.sources[key] ? `  [${config.sources[key]}]` : ''}`);
  }
  return { exitCode: 0, json: { assetsJson, remote, config: effective }, text: lines.join('\n') };
}

function relativeTo(cwd: string, path: string): string {
  return path.startsWith('/') ? path : `${cwd}/${path}`;
}
