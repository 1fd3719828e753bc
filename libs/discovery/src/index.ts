export { ASSETS_JSON, findGoverningAssetsJson, findRepoRoot, toPosixPath } from './repo.js';
export { effectiveBranch, serviceOf } from './branch.js';
export type { AssetsJsonEntry, DiscoveryConfig } from './discover.js';
export { discoverAll, discoverOne, nestedPackagePaths, owningEntry } from './discover.js';
