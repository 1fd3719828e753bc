import { describe, expect, it } from 'vitest';
import { isAssetSyncError } from '@asset-sync/errors';
import { git } from '@asset-sync/git-harness';
import { MINIMUM_GIT, assertSupportedGit, checkGitVersion, isAtLeast, parseGitVersion, runGit } from '@asset-sync/git-store';

describe('parseGitVersion', () => {
  it('reads the version from what git builds print, and nothing from other text', () => {
    expect(parseGitVersion('git version 2.39.5\n')).toEqual({ major: 2, minor: 39, patch: 5 });
    expect(parseGitVersion('git version 2.37.1 (Apple Git-137.1)')).toEqual({ major: 2, minor: 37, patch: 1 });
    expect(parseGitVersion('git version 2.41.0.windows.1')).toEqual({ major: 2, minor: 41, patch: 0 });
    expect(parseGitVersion('git version 3.0')).toEqual({ major: 3, minor: 0, patch: 0 });
    expect(parseGitVersion('hub version 2.14.2')).toBeUndefined();
    expect(parseGitVersion('')).toBeUndefined();
  });
});

describe('isAtLeast', () => {
  it('compares major, then minor, then patch', () => {
    expect(MINIMUM_GIT).toEqual({ major: 2, minor: 36, patch: 0 });
    expect(isAtLeast({ major: 2, minor: 36, patch: 0 })).toBe(true);
    expect(isAtLeast({ major: 2, minor: 35, patch: 9 })).toBe(false);
    expect(isAtLeast({ major: 2, minor: 100, patch: 0 })).toBe(true);
    expect(isAtLeast({ major: 3, minor: 0, patch: 0 })).toBe(true);
    expect(isAtLeast({ major: 1, minor: 99, patch: 99 })).toBe(false);
    expect(isAtLeast({ major: 2, minor: 36, patch: 1 }, { major: 2, minor: 36, patch: 2 })).toBe(false);
  });
});

describe('assertSupportedGit', () => {
  it('refuses an older git with GIT_MISSING, saying what to install and what it found', () => {
    let error: unknown;
    try {
      assertSupportedGit('git version 2.35.1\n');
    } catch (e) {
      error = e;
    }
    expect(isAssetSyncError(error, 'GIT_MISSING')).toBe(true);
    expect((error as Error).message).toBe('git 2.35.1 is too old: asset-sync needs git 2.36 or newer');
    expect((error as { hint?: string }).hint).toBe('Install git 2.36 or newer; found 2.35.1.');
  });

  it('lets through a supported git and output that names no version', () => {
    expect(() => assertSupportedGit('git version 2.36.0')).not.toThrow();
    expect(() => assertSupportedGit('git version 2.39.5')).not.toThrow();
    expect(() => assertSupportedGit('something else entirely')).not.toThrow();
  });
});

describe('checkGitVersion', () => {
  it('accepts the git on PATH, once per process: every runGit shares the one check', async () => {
    expect(isAtLeast(parseGitVersion(await git(['--version']))!)).toBe(true);
    const first = checkGitVersion();
    expect(checkGitVersion()).toBe(first);
    await expect(first).resolves.toBeUndefined();
    expect((await runGit(['--version'], { cwd: process.cwd() })).stdout).toMatch(/^git version /);
  });
});
