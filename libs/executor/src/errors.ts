import { accessSync, constants, existsSync, statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import { AssetSyncError, isAssetSyncError, redact, type ErrorCode, type ErrorReport } from '@asset-sync/errors';
import type { PendingFiles, RequestFailure } from '@asset-sync/planner';

/** Any error as reports carry it: an AssetSyncError as it says itself, anything else as a write failure or a bug. */
export function errorReport(error: unknown): ErrorReport {
  if (isAssetSyncError(error)) return error.toJSON();
  const message = redact(error instanceof Error ? error.message : String(error));
  const write = writeFailure(message);
  if (write) return write;
  return { code: 'INTERNAL', message, hint: 'This is a bug in asset-sync: rerun with --verbose and report the stack trace.' };
}

/** An error about one package: its message starts with the package's assets.json path. */
export function failureOf(id: string, error: unknown): RequestFailure & ErrorReport {
  const report = errorReport(error);
  return { id, ...report, message: report.message.startsWith(id) ? report.message : `${id}: ${report.message}` };
}

/**
 * A plan's failure as a package's error. The planner imports nothing of ours, so it types the
 * code as a string; its failures are the ones failureOf made, and its own INTERNAL.
 */
export function failureReport(failure: RequestFailure): ErrorReport {
  return { code: failure.code as ErrorCode, message: failure.message, ...(failure.hint ? { hint: failure.hint } : {}) };
}

/** The file system refused a write: say which kind, so the hint can say what to do. */
function writeFailure(message: string): ErrorReport | undefined {
  if (/ENOSPC|No space left on device/i.test(message)) {
    return { code: 'WRITE_FAILED', message: `the disk is full: ${message}`, hint: 'Free space on the disk that holds the assets dir, then run restore again: it finishes where it stopped.' };
  }
  if (/EACCES|EPERM|EROFS|Permission denied|Read-only file system/i.test(message)) {
    return { code: 'WRITE_FAILED', message: `not allowed to write: ${message}`, hint: 'Make the assets dir writable (or set ASSET_SYNC_DIR to one that is), then run restore again.' };
  }
  return undefined;
}

/** A write failure names the folder it happened in. */
export function inFolder(report: ErrorReport, folder: string): ErrorReport {
  return report.message.includes(folder) ? report : { ...report, message: `${folder}: ${report.message}` };
}

export function describeChanges(changes: PendingFiles): string {
  const parts: string[] = [];
  const list = (files: string[]): string => files.slice(0, 5).join(', ') + (files.length > 5 ? `, and ${files.length - 5} more` : '');
  if (changes.modified.length) parts.push(`modified: ${list(changes.modified)}`);
  if (changes.added.length) parts.push(`added: ${list(changes.added)}`);
  if (changes.deleted.length) parts.push(`deleted: ${list(changes.deleted)}`);
  return parts.join('; ');
}

export function hasFiles(changes: PendingFiles | undefined): boolean {
  return changes !== undefined && changes.added.length + changes.modified.length + changes.deleted.length > 0;
}

/**
 * An error from writing below `dir`, said plainly when the file system is why: git only says
 * "unable to write file" on a full disk, and a read-only mount can surface as ENOENT, so the
 * disk itself is asked (free space, write access of the nearest existing folder).
 */
export function asWriteFailure(error: unknown, dir: string): unknown {
  if (isAssetSyncError(error) && error.code !== 'GIT_FAILED' && error.code !== 'INTERNAL') return error;
  const detail = redact(error instanceof Error ? error.message : String(error));
  let existing = dir;
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  try {
    accessSync(existing, constants.W_OK);
  } catch (denied) {
    return new AssetSyncError('WRITE_FAILED', `${dir}: not allowed to write (${(denied as NodeJS.ErrnoException).code ?? 'denied'}): ${detail}`, {
      hint: 'Make the assets dir writable (or set ASSET_SYNC_DIR to one that is), then run restore again.',
    });
  }
  try {
    const fs = statfsSync(existing);
    if (fs.bavail * fs.bsize < 4 << 20 && /unable to (write|create)|No space|ENOSPC|write error|short write/i.test(detail)) {
      return new AssetSyncError('WRITE_FAILED', `${dir}: the disk is full: ${detail}`, {
        hint: 'Free space on the disk that holds the assets dir, then run restore again: it finishes where it stopped.',
      });
    }
  } catch {
    // No file-system statistics here: the original error is all there is to say.
  }
  return error;
}
