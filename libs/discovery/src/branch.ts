import { checkRefName } from '@asset-sync/assets-json';

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

/**
 * The `AssetsRepoBranch` of a branch-dialect assets.json: as written, or `auto/<service>`.
 * Returns why there is none when it cannot be computed.
 */
export function effectiveBranch(packagePath: string, explicit: string | undefined): { branch: string } | { wrong: string } {
  if (explicit) return { branch: explicit };
  const service = serviceOf(packagePath);
  if (service === undefined) return { wrong: 'an assets.json at the repository root has no service to name its branch after' };
  const branch = `auto/${service}`;
  const reason = checkRefName(branch);
  return reason === undefined ? { branch } : { wrong: `the default branch "${branch}" ${reason}` };
}
