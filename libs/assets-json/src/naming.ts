import type { Dialect } from './model.js';
import type { Pin, WrittenPin } from './pin.js';
import { checkRefName } from './ref-name.js';

/**
 * How asset-sync names what it publishes. Push, resolve, merge, discovery and gc all ask here, so a
 * package is always published under one name whichever command publishes it.
 */

/** How many hex digits of the commit a tag name ends with: `<TagPrefix>_<10 hex digits>`. */
export const TAG_SHA_DIGITS = 10;

/** The tag a commit is published under: `python/tables_26ba55dfd5`. */
export function tagNameOf(tagPrefix: string, commit: string): string {
  return `${tagPrefix}_${commit.slice(0, TAG_SHA_DIGITS)}`;
}

/** The `TagPrefix` a tag named by `tagNameOf` was made from. */
export function tagPrefixOfTag(tag: string): string {
  return tag.slice(0, -(TAG_SHA_DIGITS + 1));
}

/**
 * The service a package belongs to: the folder after `sdk/` (`sdk/tables/azure-data-tables` →
 * `tables`), otherwise the first folder. Undefined at the repository root.
 */
export function serviceOf(packagePath: string): string | undefined {
  if (packagePath === '') return undefined;
  const segments = packagePath.split('/');
  const sdk = segments.findIndex((segment, index) => segment === 'sdk' && index + 1 < segments.length);
  return sdk === -1 ? segments[0] : segments[sdk + 1];
}

/** What every default branch starts with: pushes of the SHA dialect go to `auto/<service>`. */
export const DEFAULT_BRANCH_PREFIX = 'auto/';

/** The branch a service's packages push to when their assets.json names none: `auto/<service>`. */
export function defaultBranchOf(service: string): string {
  return `${DEFAULT_BRANCH_PREFIX}${service}`;
}

/**
 * The `AssetsRepoBranch` of a branch-dialect assets.json: as written, or `auto/<service>`.
 * Returns why there is none when it cannot be computed.
 */
export function effectiveBranch(packagePath: string, explicit: string | undefined): { branch: string } | { wrong: string } {
  if (explicit) return { branch: explicit };
  const service = serviceOf(packagePath);
  if (service === undefined) return { wrong: 'an assets.json at the repository root has no service to name its branch after' };
  const branch = defaultBranchOf(service);
  const reason = checkRefName(branch);
  return reason === undefined ? { branch } : { wrong: `the default branch "${branch}" ${reason}` };
}

/** The pin a dialect writes for a published Tag or SHA. */
export function pinOfText(dialect: Dialect, text: string): WrittenPin {
  return text ? publishedPin(dialect, text) : { kind: 'none' };
}

/** The pin of something just published: its Tag in the tag dialect, its commit in the branch dialect. */
export function publishedPin(dialect: Dialect, text: string): Extract<Pin, { kind: 'tag' | 'sha' }> {
  return dialect === 'tag' ? { kind: 'tag', tag: text } : { kind: 'sha', sha: text };
}

/** The Tag or SHA as assets.json holds it; `''` for nothing pushed yet. */
export function pinTextOf(pin: Pin | WrittenPin): string {
  return pin.kind === 'tag' ? pin.tag : pin.kind === 'sha' ? pin.sha : '';
}
