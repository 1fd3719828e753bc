import { AssetSyncError } from '@asset-sync/errors';

/** The oldest git asset-sync supports, as the README says (the tests run on 2.39). */
export const MINIMUM_GIT: GitVersion = { major: 2, minor: 36, patch: 0 };

export interface GitVersion {
  major: number;
  minor: number;
  patch: number;
}

/**
 * The version in `git --version` output: `git version 2.39.5`, `git version 2.37.1 (Apple
 * Git-137.1)`, `git version 2.41.0.windows.1`. Undefined when the text says no version.
 */
export function parseGitVersion(text: string): GitVersion | undefined {
  const match = /^git version (\d+)\.(\d+)(?:\.(\d+))?/m.exec(text.trim());
  if (!match) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3] ?? '0') };
}

/** Whether `version` is `minimum` or newer. */
export function isAtLeast(version: GitVersion, minimum: GitVersion = MINIMUM_GIT): boolean {
  if (version.major !== minimum.major) return version.major > minimum.major;
  if (version.minor !== minimum.minor) return version.minor > minimum.minor;
  return version.patch >= minimum.patch;
}

/**
 * Fails with GIT_MISSING (no usable git) when `git --version` printed an older git than
 * MINIMUM_GIT. Output that names no version (a vendor build) is let through: the commands
 * themselves then say what fails.
 */
export function assertSupportedGit(versionOutput: string): void {
  const version = parseGitVersion(versionOutput);
  if (!version || isAtLeast(version)) return;
  const found = `${version.major}.${version.minor}.${version.patch}`;
  const needed = `${MINIMUM_GIT.major}.${MINIMUM_GIT.minor}`;
  throw new AssetSyncError('GIT_MISSING', `git ${found} is too old: asset-sync needs git ${needed} or newer`, {
    hint: `Install git ${needed} or newer; found ${found}.`,
  });
}
