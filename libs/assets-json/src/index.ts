export type { AssetsJson, AssetsJsonKey, Dialect, Pin } from './model.js';
export {
  BRANCH_DIALECT_KEYS,
  BRANCH_ONLY_KEYS,
  DEFAULT_FALLBACK_BRANCH,
  KNOWN_KEYS,
  TAG_DIALECT_KEYS,
  TAG_ONLY_KEYS,
  describePin,
  detectDialect,
  pinKeyOf,
  pinOf,
} from './model.js';
export { checkRefName } from './ref-name.js';
export { TAG_SHA_DIGITS, effectiveBranch, pinOfText, pinTextOf, serviceOf, tagNameOf, tagPrefixOfTag } from './naming.js';
export { checkAssetsRepo, checkFolderName, checkPrefixPath, isFullSha, normalizePrefixPath } from './checks.js';
export { branchDialectSchema, fieldSchemas, tagDialectSchema } from './schema.js';
export type { ParseAssetsJsonResult, ReadAssetsJsonResult } from './parse.js';
export { parseAssetsJson, readAssetsJson } from './parse.js';
export { setField, setPin } from './edit.js';
export { editAssetsJson, writeFileAtomically } from './write.js';
export type { ConflictedAssetsJson, ParseConflictedAssetsJsonResult } from './conflict.js';
export { parseConflictedAssetsJson, resolveConflictedAssetsJson } from './conflict.js';
export { closestMatch, hasConflictMarkers } from './text.js';
