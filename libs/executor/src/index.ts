export { restore } from './restore.js';
export type { RestoreOptions } from './restore.js';
export { describeChanges, errorInfo } from './errors.js';
export { readStateFile, writeState, statePath, emptyState, layoutState } from './state.js';
export type { RestoreState, LayoutState, CheckoutRecord, PackageRecord } from './state.js';
export type {
  PackageEntry,
  Workspace,
  ErrorInfo,
  PackageStatus,
  PackageOutcome,
  CheckoutAction,
  CheckoutOutcome,
  NetworkCounts,
  RestoreReport,
  RestoreEvents,
} from './types.js';
export { openWorkspace, toPackageEntry, pinRefOf } from './workspace.js';
export type { OpenWorkspaceOptions, OpenedWorkspace } from './workspace.js';
export { selectPackages } from './select.js';
export type { SelectOptions, Selection } from './select.js';
export { status, locate, findRestored, readCurrentState } from './status.js';
export type { PackageStatusReport, Restored } from './status.js';
export { push, derivedTagPrefix } from './push.js';
export type { PushOptions, PushReport } from './push.js';
export { reset, init, resolve } from './develop.js';
export type { ResetOptions, ResetReport, InitOptions, InitReport, ResolveOptions, ResolveReport } from './develop.js';
export { commitIdentity } from './identity.js';
export { scanText, scanFiles, scanEntries, describeFinding } from './secrets.js';
export type { SecretFinding, SecretRule, PublishedEntry } from './secrets.js';
export { merge, gc, describeMove } from './nightly.js';
export type { MergeOptions, MergeReport, MergeMove, MergeRepoReport, GcOptions, GcReport, GcRepoReport } from './nightly.js';
