import { AssetSyncError, formatBytes, plural } from '@asset-sync/errors';
import { gcStore } from '@asset-sync/executor';
import { workspaceFor } from '../context.js';
import type { CommandResult, GlobalOptions } from '../result.js';

/** Refs and objects written this recently are kept: another command may be about to use them. */
export const DEFAULT_EXPIRE = '1h';

/** `asset-sync gc --store`: trims the store(s) to what registered checkouts need. */
export interface GcStoreFlags {
  expire?: string;
  delete?: boolean;
  languageRefs?: string[];
}

export async function gcStoreCommand(globals: GlobalOptions, flags: GcStoreFlags): Promise<CommandResult> {
  if (flags.delete || flags.languageRefs) {
    throw new AssetSyncError('USAGE', 'gc --store trims the local store; --delete and --language-refs are for the assets repo\'s refs', {
      hint: 'Run them as two commands: asset-sync gc --delete, then asset-sync gc --store.',
    });
  }
  const workspace = await workspaceFor(globals);
  const report = await gcStore({ workspace, expireMs: parseExpire(flags.expire ?? DEFAULT_EXPIRE) });
  const lines = [`${report.shared ? 'Shared store' : 'Store'} ${report.storeRoot}: ${plural(report.stores.length, 'assets repo')}`];
  for (const s of report.stores) {
    lines.push(
      `${s.assetsRepo}: ${plural(s.checkouts, 'checkout')} registered` +
        (s.prunedCheckouts > 0 ? ` (${s.prunedCheckouts} whose folder was gone forgotten)` : '') +
        `; ${plural(s.droppedRefs.length, 'pin ref')} no checkout serves dropped; ` +
        `objects ${s.objectsBefore} -> ${s.objectsAfter}, ${formatBytes(s.bytesBefore)} -> ${formatBytes(s.bytesAfter)}`,
    );
  }
  return { exitCode: 0, json: report, text: lines.join('\n') };
}

/** `now`, or a whole number with s, m, h or d: how old a ref or loose object must be to go. */
export function parseExpire(value: string): number {
  if (value === 'now') return 0;
  const match = /^(\d+)(s|m|h|d)$/.exec(value);
  if (!match) {
    throw new AssetSyncError('USAGE', `--expire must be "now" or a duration such as 30m, 1h or 2d, found "${value}"`, {
      hint: `The default, ${DEFAULT_EXPIRE}, keeps what commands running right now may still need.`,
    });
  }
  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}
