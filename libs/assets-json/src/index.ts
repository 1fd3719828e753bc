export type { AssetsJson, AssetsJsonKey, Dialect } from './model.js';
export type { Pin, WrittenPin } from './pin.js';
export { describePin, pinKey, pinOf, pinOrFallback } from './pin.js';
export {
  BRANCH_DIALECT_KEYS,
  BRANCH_ONLY_KEYS,
  DEFAULT_FALLBACK_BRANCH,
  KNOWN_KEYS,
  TAG_DIALECT_KEYS,
  TAG_ONLY_KEYS,
  detectDialect,
} from './model.js';
export { checkRefName } from './ref-name.js';
export { derivedTagPrefix } from './tag-prefix.js';
export {
  DEFAULT_BRANCH_PREFIX,
  TAG_SHA_DIGITS,
  defaultBranchOf,
  effectiveBranch,
  pinOfText,
  pinTextOf,
  publishedPin,
  serviceOf,
  tagNameOf,
  tagPrefixOfTag,
} from './naming.js';
export { checkAssetsRepo, checkFolderName, hasControlCharacter, checkPrefixPath, isFullSha, normalizePrefixPath } from './checks.js';
export { branchDialectSchema, fieldSchemas, tagDialectSchema } from './schema.js';
export type { ParseAssetsJsonResult, ReadAssetsJsonResult } from './parse.js';
export { parseAssetsJson, readAssetsJson } from './parse.js';
export { setField, setPin } from './edit.js';
export { editAssetsJson, writeFileAtomically } from './write.js';
export type { ConflictedAssetsJson, ParseConflictedAssetsJsonResult } from './conflict.js';
export { parseConflictedAssetsJson, resolveConflictedAssetsJson } from './conflict.js';
export { closestMatch, hasConflictMarkers } from './text.js';
