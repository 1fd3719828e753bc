/**
 * The assets.json model, as plain data. Two dialects exist in the wild: the tag dialect used in
 * production (`Tag`, `TagPrefix`) and the 2022 branch design (`AssetsRepoBranch`, `SHA`...).
 */
export type Dialect = 'tag' | 'branch';

export interface AssetsJson {
  dialect: Dialect;
  /** `owner/name` of the assets repo. */
  assetsRepo: string;
  /** Where this package's recordings live inside the assets repo: no leading or trailing slash, '' for the root. */
  prefixPath: string;
  /** Tag dialect: the prefix `asset-sync push` names new tags with. */
  tagPrefix?: string;
  /** Tag dialect: the pinned tag; '' when nothing was pushed yet. */
  tag?: string;
  /** Branch dialect: the local folder name of the assets repo clone ('' allowed). */
  assetsRepoId?: string;
  /** Branch dialect: `AssetsRepoBranch` as written; absent means discovery computes `auto/<service>`. */
  branch?: string;
  /** Branch dialect: the pinned commit, 40 lowercase hex; absent when nothing was pushed yet. */
  sha?: string;
  /** The branch whose head a `none` pin means; `main` unless the file says otherwise. */
  fallbackBranch: string;
  /** Every key as read, unknown ones included, so nothing a user wrote is lost. */
  raw: Record<string, unknown>;
}

export const DEFAULT_FALLBACK_BRANCH = 'main';

export const TAG_DIALECT_KEYS = ['AssetsRepo', 'AssetsRepoPrefixPath', 'TagPrefix', 'Tag'] as const;
export const BRANCH_DIALECT_KEYS = [
  'AssetsRepo',
  'AssetsRepoPrefixPath',
  'AssetsRepoId',
  'AssetsRepoFallbackBranch',
  'AssetsRepoBranch',
  'SHA',
] as const;

export type AssetsJsonKey = (typeof TAG_DIALECT_KEYS)[number] | (typeof BRANCH_DIALECT_KEYS)[number];

export const KNOWN_KEYS: readonly AssetsJsonKey[] = [
  'AssetsRepo',
  'AssetsRepoPrefixPath',
  'TagPrefix',
  'Tag',
  'AssetsRepoId',
  'AssetsRepoFallbackBranch',
  'AssetsRepoBranch',
  'SHA',
];

/** Keys only the tag dialect has, and keys only the branch dialect has: a file may not mix them. */
export const TAG_ONLY_KEYS: readonly AssetsJsonKey[] = ['TagPrefix', 'Tag'];
export const BRANCH_ONLY_KEYS: readonly AssetsJsonKey[] = [
  'AssetsRepoId',
  'AssetsRepoFallbackBranch',
  'AssetsRepoBranch',
  'SHA',
];

/** Which dialect a file's keys say it is written in. */
export function detectDialect(raw: Record<string, unknown>): Dialect {
  return BRANCH_ONLY_KEYS.some((key) => Object.hasOwn(raw, key)) ? 'branch' : 'tag';
}
