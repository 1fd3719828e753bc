import { accessSync, constants, existsSync, statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import { AssetSyncError, isAssetSyncError, redact } from '@asset-sync/errors';
import type { PendingFiles, RequestFailure } from '@asset-sync/planner';
import type { ErrorInfo } from './types.js';

/** Any error as the plain shape reports carry: code, redacted message, hint. */
export function errorInfo(error: unknown): ErrorInfo {
  if (isAssetSyncError(error)) return { code: error.code, message: redact(error.message), ...(error.hint ? { hint: error.hint } : {}) };
  const message = redact(error instanceof Error ? error.message : String(error));
  const write = writeFailure(message);
  if (write) return write;
  return { code: 'INTERNAL', message, hint: 'This is a bug in asset-sync: rerun with --verbose and report the stack trace.' };
}

/** An error about one package: its message starts with the package's assets.json path. */
export function failureOf(id: string, error: unknown): RequestFailure {
  const info = errorInfo(error);
  return { id, code: info.code, message: info.message.startsWith(id) ? info.message : `${id}: ${info.message}`, ...(info.hint ? { hint: info.hint } : {}) };
}

/** The file system refused a write: say which kind, so the hint can say what to do. */
function writeFailure(message: string): ErrorInfo | undefined {
  if (/ENOSPC|No space left on device/i.test(message)) {
    return { code: 'WRITE_FAILED', message: `the disk is full: ${message}`, hint: 'Free space on the disk that holds the assets dir, then run restore again: it finishes where it stopped.' };
  }
  if (/EACCES|EPERM|EROFS|Permission denied|Read-only file system/i.test(message)) {
    return { code: 'WRITE_FAILED', message: `not allowed to write: ${message}`, hint: 'Make the assets dir writable (or set ASSET_SYNC_DIR to one that is), then run restore again.' };
  }
  return undefined;
}

/** A write failure names the folder it happened in. */
export function inFolder(info: ErrorInfo, folder: string): ErrorInfo {
  return info.message.includes(folder) ? info : { ...info, message: `${folder}: ${info.message}` };
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
