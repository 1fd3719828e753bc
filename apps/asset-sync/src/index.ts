export { main } from './main.js';
export type { Io } from './main.js';
export { restore, locate, status, push } from './api.js';
export type { ApiOptions, SelectionOptions, RestoreOptions, StatusOptions, LocateOptions, PushOptions, LocateResult } from './api.js';
export type { RestoreReport, PackageOutcome, PackageStatus, CheckoutOutcome, PackageStatusReport, PushReport, ErrorReport } from '@asset-sync/executor';
export { AssetSyncError, isAssetSyncError } from '@asset-sync/errors';
export type { ErrorCode, Problem } from '@asset-sync/errors';
