import type { Problem } from './problem.js';
import { redact } from './redact.js';

/**
 * Stable codes: scripts and tests match on these, never on message text.
 * Codes in USAGE_CODES are the user's input being wrong (exit 2); the rest are an operation
 * that failed (exit 1).
 */
export type ErrorCode =
  | 'USAGE'
  | 'CONFIG_INVALID'
  | 'ASSETS_JSON_INVALID'
  | 'ASSETS_JSON_NOT_FOUND'
  | 'NOT_A_REPO'
  | 'GIT_MISSING'
  | 'GIT_FAILED'
  | 'NETWORK'
  | 'REMOTE_UNREACHABLE'
  | 'PIN_NOT_FOUND'
  /** The pin exists but holds no folder for the package. */
  | 'FOLDER_NOT_FOUND'
  | 'PENDING_CHANGES'
  | 'NOT_RESTORED'
  | 'LOCKED'
  | 'IDENTITY_MISSING'
  | 'SECRET_FOUND'
  | 'PUSH_REJECTED'
  | 'CONFLICT'
  | 'CONFIRMATION_REQUIRED'
  | 'MIGRATION_FAILED'
  | 'VERIFY_FAILED'
  | 'INTERRUPTED'
  /** A value from assets.json or the assets repo that asset-sync refuses to hand to git or the file system. */
  | 'UNSAFE_INPUT'
  /** Files could not be written: disk full, read-only, permissions. */
  | 'WRITE_FAILED'
  /** A push stopped between publishing and writing the pin; running push again finishes it. */
  | 'PUSH_IN_PROGRESS'
  /** A bug in asset-sync: the stack is printed and a report asked for. */
  | 'INTERNAL';

export const USAGE_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'USAGE',
  'CONFIG_INVALID',
  'ASSETS_JSON_NOT_FOUND',
  'NOT_A_REPO',
  'CONFIRMATION_REQUIRED',
]);

/**
 * An error as reports and `--json` carry it: what `AssetSyncError.toJSON()` returns, what a
 * restore report puts on a failed package or checkout, and (with the package's id) what a plan
 * lists as a failure. Scripts read these fields; they are the JSON contract.
 */
export interface ErrorReport {
  code: ErrorCode;
  /** Redacted: no credentials. */
  message: string;
  hint?: string;
  file?: string;
  problems?: Problem[];
}

export interface AssetSyncErrorOptions {
  /** How to fix it, naming the command to run where there is one. */
  hint?: string;
  /** The file the error is about (assets.json, asset-sync.yaml...). */
  file?: string;
  /** Every problem found, for validation errors. */
  problems?: Problem[];
  /** The full result of the operation that failed (e.g. a restore report), for programmatic callers. */
  report?: unknown;
  cause?: unknown;
}

/**
 * The one error type of asset-sync. Its message says what went wrong with context (the file,
 * the ref, the URL with credentials redacted); the hint says what to do about it.
 */
export class AssetSyncError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly file: string | undefined;
  readonly problems: Problem[];
  /** What the failed operation reported, as `--json` prints it; undefined when it reported nothing. */
  readonly report: unknown;

  constructor(code: ErrorCode, message: string, options: AssetSyncErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = options.hint;
    this.file = options.file;
    this.problems = options.problems ?? [];
    this.report = options.report;
  }

  toJSON(): ErrorReport {
    return {
      code: this.code,
      message: redact(this.message),
      ...(this.hint === undefined ? {} : { hint: this.hint }),
      ...(this.file === undefined ? {} : { file: this.file }),
      ...(this.problems.length === 0 ? {} : { problems: this.problems }),
    };
  }
}

export function isAssetSyncError(error: unknown, code?: ErrorCode): error is AssetSyncError {
  return error instanceof AssetSyncError && (code === undefined || error.code === code);
}

/** 2 for usage and configuration errors, 1 for everything else that failed. */
export function exitCodeOf(error: unknown): 1 | 2 {
  return isAssetSyncError(error) && USAGE_CODES.has(error.code) ? 2 : 1;
}
