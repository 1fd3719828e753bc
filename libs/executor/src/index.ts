export { restore } from './restore.js';
export type { RestoreOptions } from './restore.js';
export { describeRestoreCounts, describeRestoreFetches, describeRestoreDuration, describeRestoreCheckouts } from './restore-summary.js';
export { describeChanges, errorReport } from './errors.js';
export type { ErrorReport } from '@asset-sync/errors';
export { readStateFile, writeState, statePath, emptyState, layoutState } from './state.js';
export type { RestoreState, LayoutState, CheckoutRecord, PackageRecord } from './state.js';
export type {
  PackageEntry,
  PackageSettings,
  Workspace,
  PackageStatus,
  PackageOutcome,
  CheckoutAction,
  CheckoutOutcome,
  NetworkCounts,
  RestoreReport,
  RestoreEvents,
} from './types.js';
export { openWorkspace, toPackageEntry, pinRefOf, storeLocation } from './workspace.js';
export type { OpenWorkspaceOptions } from './workspace.js';
export { nestedPackages, selectPackages } from './select.js';
export type { SelectOptions, Selection } from './select.js';
export { status, locate, findRestored, readCurrentState } from './status.js';
export type { PackageStatusReport, Restored } from './status.js';
export { push } from './push.js';
export type { PushOptions, PushReport } from './push.js';
export { reset } from './reset.js';
export type { ResetOptions, ResetReport } from './reset.js';
export { init } from './init.js';
export type { InitOptions, InitReport } from './init.js';
export { resolve } from './resolve.js';
export type { ResolveOptions, ResolveReport } from './resolve.js';
export { conflictedEntry } from './resolve.js';
export { tagPrefixFor } from './push.js';
export { branchOf, publishBranch, publishTags } from './publish.js';
export type { TagDestination } from './publish.js';
export { commitIdentity } from './identity.js';
export { scanText, scanFiles, scanEntries, describeFinding } from './secrets.js';
export type { SecretFinding, SecretRule, PublishedEntry } from './secrets.js';
export { merge, describeMove } from './merge.js';
export type { MergeOptions, MergeReport, MergeMove, MergeRepoReport } from './merge.js';
export { gc } from './gc.js';
export type { GcOptions, GcReport, GcRepoReport } from './gc.js';
export type { BackupTarget, BackupReport } from './gc-backup.js';
export { adopt } from './adopt.js';
export type { AdoptOptions, AdoptReport, AdoptedTag } from './adopt.js';
export { verifyPins } from './verify-pins.js';
export type { VerifyPinsReport, VerifiedPin } from './verify-pins.js';
export { restoreBackup } from './restore-backup.js';
export type { RestoreBackupOptions, RestoreBackupReport, RestoredRef } from './restore-backup.js';
export type { RefSource } from './remote-refs.js';
export { grep } from './grep.js';
export type { GrepOptions, GrepReport, GrepMatch, GrepTarget } from './grep.js';
export type { GrepPattern } from './grep-match.js';
export { gcStore } from './gc-store.js';
export type { GcStoreOptions, GcStoreReport } from './gc-store.js';
export { cacheKey } from './cache-key.js';
export { parseShard, shardOf, inShard } from './shard.js';
export type { Shard } from './shard.js';
