import { cacheKey, parseShard, selectPackages } from '@asset-sync/executor';
import { workspaceFor } from '../context.js';
import type { CommandResult, GlobalOptions } from '../result.js';

/**
 * `asset-sync cache-key`: the key a CI cache of the store is saved under. Printed alone on a
 * line, so `$(asset-sync cache-key)` is the key.
 */
export interface CacheKeyFlags {
  filter?: string[];
  shard?: string;
}

export async function cacheKeyCommand(globals: GlobalOptions, flags: CacheKeyFlags): Promise<CommandResult> {
  const workspace = await workspaceFor(globals);
  const selection = await selectPackages(workspace, {
    all: true,
    ...(flags.filter ? { filter: flags.filter } : {}),
    ...(flags.shard !== undefined ? { shard: parseShard(flags.shard) } : {}),
  });
  const key = cacheKey(selection.entries);
  return { exitCode: 0, json: { key, packages: selection.entries.length }, text: key };
}
