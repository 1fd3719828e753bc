import { resolve as resolvePath } from 'node:path';
import { AssetSyncError, type ErrorCode } from '@asset-sync/errors';
import type { ErrorReport, PackageStatusReport, PushReport, RestoreReport, locate as locatePackage } from '@asset-sync/executor';
import type { Layout } from '@asset-sync/planner';
import { pushCommand } from './commands/push.js';
import { locateCommand } from './commands/locate.js';
import { restoreCommand } from './commands/restore.js';
import { statusCommand } from './commands/status.js';
import type { Io } from './main.js';
import type { CommandResult, GlobalOptions } from './result.js';

/**
 * The programmatic API, for test frameworks that restore recordings in-process. Each function
 * runs the same handler as the CLI command of its name and returns what that command prints
 * with `--json`; a non-zero exit code becomes an AssetSyncError whose `report` is that JSON.
 * Settings come from asset-sync.yaml and the environment (ASSET_SYNC_*), as for the CLI.
 */

export interface ApiOptions {
  /** The directory the command runs in, as `-C`; relative paths are read from here. Default process.cwd(). */
  cwd?: string;
}

export interface SelectionOptions extends ApiOptions {
  /** Directories or assets.json files; default the assets.json governing `cwd`. */
  paths?: string[];
  /** Every assets.json of the language repo, in one pass. */
  all?: boolean;
  /** Only assets.json whose path or folder matches one of these globs, e.g. `sdk/storage/**`. */
  filter?: string[];
  /** `shared` checkouts (default) or one folder per assets.json as the test-proxy lays them out. */
  layout?: Layout;
}

export interface RestoreOptions extends SelectionOptions {
  /** With `all`: only shard `i/n` of the packages (a fixed part, by a hash of the package path). */
  shard?: string;
  /** Checkouts written in parallel; default the number of CPUs. */
  jobs?: number;
  /** Work out what would change; touch no checkout. */
  dryRun?: boolean;
  /** Discard pending local changes that stand in the way (there is no prompt in-process). */
  force?: boolean;
}

export type StatusOptions = SelectionOptions;

export interface LocateOptions extends ApiOptions {
  /** A directory inside the package; default `cwd`. */
  path?: string;
  layout?: Layout;
}

export interface PushOptions extends ApiOptions {
  /** A directory inside the package; default `cwd`. */
  path?: string;
  /** Files whose secret-scan findings were reviewed and are false positives. */
  allowSecrets?: string[];
  /** Publish to this fork of the assets repo (`owner/name` or a clone URL) instead: no write access upstream. */
  fork?: string;
}

/** What `asset-sync locate --json` prints. */
export type LocateResult = Awaited<ReturnType<typeof locatePackage>>;

/** `asset-sync restore`: restores the selected packages; throws when any of them failed. */
export async function restore(options: RestoreOptions = {}): Promise<RestoreReport> {
  const flags = {
    ...selectionFlags(options),
    ...(options.shard !== undefined ? { shard: options.shard } : {}),
    ...(options.jobs !== undefined ? { jobs: String(options.jobs) } : {}),
    dryRun: options.dryRun === true,
    force: options.force === true,
  };
  return unwrap<RestoreReport>('restore', await restoreCommand(globalsOf(options), quietIo, options.paths ?? [], flags));
}

/** `asset-sync locate`: the directory to start the test-proxy in; throws when not restored. */
export async function locate(options: LocateOptions = {}): Promise<LocateResult> {
  return unwrap<LocateResult>('locate', await locateCommand(globalsOf(options), options.path, layoutFlag(options)));
}

/** `asset-sync status`: one report per selected package; throws when an assets.json is invalid. */
export async function status(options: StatusOptions = {}): Promise<PackageStatusReport[]> {
  return unwrap<PackageStatusReport[]>('status', await statusCommand(globalsOf(options), options.paths ?? [], selectionFlags(options)));
}

/** `asset-sync push`: publishes the package's pending recordings and writes the new pin. */
export async function push(options: PushOptions = {}): Promise<PushReport> {
  const flags = { ...(options.allowSecrets ? { allowSecret: options.allowSecrets } : {}), ...(options.fork ? { fork: options.fork } : {}) };
  return unwrap<PushReport>('push', await pushCommand(globalsOf(options), options.path, flags));
}

// JSON mode keeps the progress display quiet; nothing in-process can answer a prompt.
const quietIo: Io = {
  out: () => undefined,
  err: (text) => process.stderr.write(text),
  interactive: false,
};

function globalsOf(options: ApiOptions): GlobalOptions {
  return { json: true, verbose: false, cwd: resolvePath(options.cwd ?? process.cwd()) };
}

function selectionFlags(options: SelectionOptions): { all: boolean; filter?: string[]; layout?: string } {
  return { all: options.all === true, ...(options.filter ? { filter: options.filter } : {}), ...layoutFlag(options) };
}

function layoutFlag(options: { layout?: Layout }): { layout?: string } {
  return options.layout ? { layout: options.layout } : {};
}

/** The command's JSON, or the AssetSyncError the CLI's exit code stands for. */
function unwrap<T>(command: string, result: CommandResult): T {
  for (const warning of result.warnings ?? []) process.stderr.write(`${warning}\n`);
  if (result.exitCode === 0) return result.json as T;
  const first = firstError(result.json);
  // Report errors carry the code of the AssetSyncError they were made from (see errorReport).
  const code: ErrorCode = first?.code ?? 'GIT_FAILED';
  throw new AssetSyncError(code, `asset-sync ${command} failed:\n${result.text}`, { ...(first?.hint ? { hint: first.hint } : {}), report: result.json });
}

/** The first package (or checkout) error in a restore report or a list of status reports. */
function firstError(json: unknown): ErrorReport | undefined {
  const items = Array.isArray(json) ? json : json && typeof json === 'object' ? [...listOf(json, 'packages'), ...listOf(json, 'checkouts')] : [];
  for (const item of items) {
    const error = item && typeof item === 'object' ? (item as { error?: ErrorReport }).error : undefined;
    if (error) return error;
  }
  return undefined;
}

function listOf(json: object, key: string): unknown[] {
  const value = (json as Record<string, unknown>)[key];
  return Array.isArray(value) ? value : [];
}
