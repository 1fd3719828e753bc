export { packPackages } from './pack.js';
export type { PackOptions, PackedPackage } from './pack.js';
export { PACKAGES, CLI_PACKAGE, NX_PLUGIN_PACKAGE } from './specs.js';
export type { PackageSpec } from './specs.js';
export { describe as describePacked } from './main.js';
