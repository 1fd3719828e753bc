export { AssetSyncError, isAssetSyncError, exitCodeOf, USAGE_CODES } from './error.js';
export type { ErrorCode, ErrorReport, AssetSyncErrorOptions } from './error.js';
export type { Problem } from './problem.js';
export { formatProblem, describeValue } from './problem.js';
export { redact, addSecretToRedact } from './redact.js';
export { faultPoint } from './faults.js';
export { formatBytes, plural, withThousands } from './wording.js';
