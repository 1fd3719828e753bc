export { ASSETS_JSON, findGoverningAssetsJson, findRepoRoot, toPosixPath } from './repo.js';
// The naming rules live with the assets.json model; re-exported for callers that discover.
export { effectiveBranch, serviceOf } from '@asset-sync/assets-json';
export type { AssetsJsonEntry, DiscoveryConfig } from './discover.js';
export { discoverAll, discoverOne, nestedPackagePaths, owningEntry } from './discover.js';
export type { WalkCacheOptions } from './walk-cache.js';
