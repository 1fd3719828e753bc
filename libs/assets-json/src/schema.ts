import * as z from 'zod';
import { describeValue } from '@asset-sync/errors';
import { checkAssetsRepo, checkFolderName, checkPrefixPath, isFullSha, normalizePrefixPath } from './checks.js';
import type { AssetsJsonKey } from './model.js';
import { checkRefName } from './ref-name.js';

/**
 * zod schemas for each field and each dialect. Every issue carries a message tail
 * (`must be a string, found number 42`); the parser puts the field name in front, so messages
 * read the same whether zod's type check or one of our refinements caught the value.
 */

/** What each field must be, as it reads after "must be". */
export const EXPECTED: Record<AssetsJsonKey, string> = {
  AssetsRepo: 'an assets repo as "owner/name"',
  AssetsRepoPrefixPath: 'a relative path inside the assets repo',
  TagPrefix: 'a git tag name prefix',
  Tag: 'a git tag name, or "" when nothing was pushed yet',
  AssetsRepoId: 'a folder name, or ""',
  AssetsRepoFallbackBranch: 'a git branch name',
  AssetsRepoBranch: 'a git branch name',
  SHA: 'a full 40-character hex commit id',
};

/** What would make each field right. */
export const FIELD_HINTS: Record<AssetsJsonKey, string> = {
  AssetsRepo: 'set "AssetsRepo" to the assets repo as "owner/name", e.g. "Azure/azure-sdk-assets"',
  AssetsRepoPrefixPath: 'set "AssetsRepoPrefixPath" to a relative folder with "/" separators, e.g. "python", or ""',
  TagPrefix: 'set "TagPrefix" to the package path, e.g. "python/tables/azure-data-tables"',
  Tag: 'set "Tag" to a tag printed by "asset-sync push", or "" if nothing was pushed yet',
  AssetsRepoId: 'set "AssetsRepoId" to a folder name such as "python-assets", or ""',
  AssetsRepoFallbackBranch: 'set "AssetsRepoFallbackBranch" to a branch such as "main", or remove it to use "main"',
  AssetsRepoBranch: 'set "AssetsRepoBranch" to a branch such as "auto/tables", or remove it to use the default',
  SHA: 'set "SHA" to the full commit id printed by "asset-sync push", or remove it if nothing was pushed yet',
};

/** A wrong type reads `must be a string`; a missing required field says what it should hold. */
function mustBeString(field: AssetsJsonKey) {
  return (issue: { input?: unknown }): string =>
    issue.input === undefined
      ? `must be ${EXPECTED[field]}, found nothing`
      : `must be a string, found ${describeValue(issue.input)}`;
}

/** A string field whose value passes `check` (which says what is wrong, phrased "which ..."). */
function checkedString(field: AssetsJsonKey, check: (value: string) => string | undefined) {
  return z.string({ error: mustBeString(field) }).superRefine((value, ctx) => {
    const wrong = check(value);
    if (wrong !== undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `must be ${EXPECTED[field]}, found ${describeValue(value)}, ${wrong}`,
        input: value,
      });
    }
  });
}

const refName = (value: string): string | undefined => {
  const reason = checkRefName(value);
  return reason === undefined ? undefined : `which ${reason}`;
};
/** '' means "not set" for the optional branch-dialect fields, as the 2022 design wrote them. */
const emptyOr = (check: (value: string) => string | undefined) => (value: string) =>
  value === '' ? undefined : check(value);

export const fieldSchemas = {
  AssetsRepo: checkedString('AssetsRepo', checkAssetsRepo),
  AssetsRepoPrefixPath: checkedString('AssetsRepoPrefixPath', checkPrefixPath).transform(normalizePrefixPath),
  TagPrefix: checkedString('TagPrefix', emptyOr(refName)),
  Tag: checkedString('Tag', emptyOr(refName)),
  AssetsRepoId: checkedString('AssetsRepoId', checkFolderName),
  AssetsRepoFallbackBranch: checkedString('AssetsRepoFallbackBranch', emptyOr(refName)),
  AssetsRepoBranch: checkedString('AssetsRepoBranch', emptyOr(refName)),
  SHA: checkedString('SHA', emptyOr((value) => (isFullSha(value) ? undefined : 'which is not 40 hex digits'))).transform(
    (value) => value.toLowerCase(),
  ),
} satisfies Record<AssetsJsonKey, z.ZodType>;

/** The tag dialect, used in production. Unknown keys are kept. */
export const tagDialectSchema = z.looseObject({
  AssetsRepo: fieldSchemas.AssetsRepo,
  AssetsRepoPrefixPath: fieldSchemas.AssetsRepoPrefixPath.optional(),
  TagPrefix: fieldSchemas.TagPrefix.optional(),
  Tag: fieldSchemas.Tag.optional(),
});

/** The branch dialect of the 2022 design. Unknown keys are kept. */
export const branchDialectSchema = z.looseObject({
  AssetsRepo: fieldSchemas.AssetsRepo,
  AssetsRepoPrefixPath: fieldSchemas.AssetsRepoPrefixPath.optional(),
  AssetsRepoId: fieldSchemas.AssetsRepoId.optional(),
  AssetsRepoFallbackBranch: fieldSchemas.AssetsRepoFallbackBranch.optional(),
  AssetsRepoBranch: fieldSchemas.AssetsRepoBranch.optional(),
  SHA: fieldSchemas.SHA.optional(),
});

/** Both dialects' fields, to report every field problem of a file that mixes them. */
export const mixedDialectSchema = z.looseObject({
  ...tagDialectSchema.shape,
  ...branchDialectSchema.shape,
});
