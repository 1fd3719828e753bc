import type { AssetSyncConfig, OtherRemote } from '@asset-sync/config';
import type { ErrorReport, Problem } from '@asset-sync/errors';
import type { Pin } from '@asset-sync/assets-json';
import type { Layout, PendingFiles, RestorePlan } from '@asset-sync/planner';

/** The part of a discovered assets.json the executor needs. */
export interface PackageEntry {
  /** assets.json path relative to the language repo root, forward slashes: the package's id. */
  path: string;
  /** Absolute path of the assets.json (for in-place edits). */
  absPath?: string;
  /** When it was read (ms since the epoch): a change after that makes restore read it again. */
  readAt?: number;
  /** Folder of the assets.json relative to the repo root ('' at the root). */
  packagePath: string;
  /** Present when the file is valid. */
  settings?: PackageSettings;
  problems: Problem[];
}

/** What a valid assets.json says: where its recordings are, and how it is pinned and pushed. */
export interface PackageSettings {
  assetsRepo: string;
  prefix: string;
  pin: Pin;
  dialect: 'tag' | 'branch';
  /** The value as written (Tag or SHA), '' when nothing was pushed yet. */
  pinText: string;
  /** Tag dialect: the prefix new tags are named with. */
  tagPrefix?: string;
  /** Branch dialect: the branch pushes go to (`AssetsRepoBranch`, or `auto/<service>`). */
  branch?: string;
  /** The branch an empty pin means, and new branches start from. */
  fallbackBranch: string;
}

/**
 * The language repo a command works in: where its assets dir and store are, its effective
 * config, and how assets repos map to URLs. Built once per command by `openWorkspace`.
 */
export interface Workspace {
  repoRoot: string;
  /** Absolute assets dir (`<repo root>/.assets` unless configured). */
  assetsDir: string;
  /** A store shared with other clones and language repos (storeDir); unset, the store is in the assets dir. */
  storeDir?: string;
  layout: Layout;
  config: AssetSyncConfig;
  /** The language repo's `origin`, which SSH and template URLs of assets repos follow. */
  originUrl?: string;
  /** Where the command was started; relative paths are read from here. */
  cwd?: string;
  concurrency: { network: number; local: number };
  /** Clone URL of an assets repo (config remotes, templates, SSH origin...). */
  remoteUrl(assetsRepo: string): string;
  /** A fork, fallback or backup remote named as `owner/name` (URL by the same rules as an assets repo) or by its URL. */
  otherRemote(value: string): OtherRemote;
  /** Where restore looks for pins the assets repo lacks (a contributor's fork), in order. */
  fallbackRemotes(): OtherRemote[];
}

export type PackageStatus = 'restored' | 'up-to-date' | 'pending-kept' | 'failed' | 'would-restore' | 'removed' | 'would-remove';

export interface PackageOutcome {
  /** assets.json path relative to the repo root. */
  id: string;
  status: PackageStatus;
  assetsRepo?: string;
  /** Tag or SHA as written ('' when nothing was pushed yet). */
  pin?: string;
  commit?: string;
  /** Absolute directory to start the test-proxy in (checkout root + prefix). */
  locate?: string;
  /** Absolute folder of the checkout that serves it. */
  checkout?: string;
  pending?: PendingFiles;
  /** The fallback remote (a fork) the pin was fetched from, when the assets repo lacked it. */
  servedBy?: string;
  error?: ErrorReport;
}

export type CheckoutAction = 'created' | 'updated' | 'repaired' | 'unchanged' | 'removed' | 'would-create' | 'would-update' | 'would-repair' | 'would-remove';

export interface CheckoutOutcome {
  /** Directory relative to the assets dir. */
  dir: string;
  assetsRepo: string;
  action: CheckoutAction;
  /** Package folders it holds after the run. */
  packages: number;
  /** Packages whose files changed. */
  changing: number;
  error?: ErrorReport;
}

export interface NetworkCounts {
  /** `git fetch` runs for pins (commits and trees). */
  pinFetches: number;
  /** Pins asked for in those fetches (a warm store asks only for pins it has not seen). */
  pins: number;
  /** `git fetch` runs for file contents. */
  objectFetches: number;
  /** File contents fetched. */
  objects: number;
  /** Bytes received, as git reported them. */
  bytes: number;
}

export interface RestoreReport {
  ok: boolean;
  dryRun: boolean;
  layout: Layout;
  assetsDir: string;
  plan: RestorePlan;
  packages: PackageOutcome[];
  checkouts: CheckoutOutcome[];
  network: NetworkCounts;
  summary: { restored: number; upToDate: number; pendingKept: number; removed: number; failed: number; durationMs: number };
}

/** Progress as it happens, for the live display (TTY) or plain lines (CI). */
export interface RestoreEvents {
  phase?(name: 'discover' | 'resolve' | 'fetch-pins' | 'plan' | 'fetch-objects' | 'checkout' | 'record', detail?: string): void;
  progress?(done: number, total: number): void;
  bytes?(received: number): void;
  package?(outcome: PackageOutcome): void;
}
