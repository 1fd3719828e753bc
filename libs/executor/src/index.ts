export { restore, describeChanges, errorInfo } from './restore.js';
export type { RestoreOptions } from './restore.js';
export { readState, writeState, statePath, emptyState, buildManifest, manifestMatches } from './state.js';
export type { RestoreState, CheckoutRecord, RequestRecord } from './state.js';
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
export { status, locate, findRestored } from './status.js';
export type { PackageStatusReport } from './status.js';
export { push, derivedTagPrefix } from './push.js';
export type { PushOptions, PushReport } from './push.js';
export { reset, init, resolve } from './develop.js';
export type { ResetOptions, ResetReport, InitOptions, InitReport, ResolveOptions, ResolveReport } from './develop.js';
export { commitIdentity } from './identity.js';
export { scanText, scanFiles, scanEntries, describeFinding } from './secrets.js';
export type { SecretFinding, SecretRule, PublishedEntry } from './secrets.js';
export { merge, gc, describeMove } from './nightly.js';
export type { MergeOptions, MergeReport, MergeMove, MergeRepoReport, GcOptions, GcReport, GcRepoReport } from './nightly.js';
