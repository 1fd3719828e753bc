import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tagNameOf } from '@asset-sync/assets-json';
import { discoverOne } from '@asset-sync/discovery';
import { branchOf, conflictedEntry, tagPrefixFor, toPackageEntry, type PackageEntry } from '@asset-sync/executor';
import { makeTempDir, removeTempDirs } from '@asset-sync/git-harness';

const SHA_OURS = 'a'.repeat(40);
const SHA_THEIRS = 'b'.repeat(40);

/** The entry push publishes from: discovery reads the file, the executor keeps what it needs. */
async function pushEntry(root: string, rel: string, json: Record<string, string>): Promise<PackageEntry> {
  const file = join(root, ...rel.split('/'));
  await mkdir(join(file, '..'), { recursive: true });
  await writeFile(file, `${JSON.stringify(json, null, 2)}\n`);
  return toPackageEntry(await discoverOne(file, root));
}

/** The entry resolve publishes from: the same file with a merge conflict on its pin line. */
function resolveEntry(root: string, rel: string, json: Record<string, string>, pinKey: 'Tag' | 'SHA', ours: string, theirs: string): PackageEntry {
  const fields = Object.entries(json).filter(([key]) => key !== pinKey).map(([key, value]) => `  ${JSON.stringify(key)}: ${JSON.stringify(value)},`);
  const text = ['{', ...fields, '<<<<<<< HEAD', `  "${pinKey}": "${ours}"`, '=======', `  "${pinKey}": "${theirs}"`, '>>>>>>> feature', '}', ''].join('\n');
  return conflictedEntry(text, rel, join(root, ...rel.split('/'))).entry;
}

describe('push and resolve publish a package under one name', () => {
  afterAll(removeTempDirs);

  it('a branch-dialect package outside sdk/ gets the same default branch, auto/<first folder>', async () => {
    const root = await makeTempDir('publish-branch-');
    const rel = 'tools/asset-sync/assets.json';
    const json = { AssetsRepo: 'Azure/azure-sdk-assets', AssetsRepoPrefixPath: 'python', AssetsRepoId: '', SHA: SHA_OURS };
    const pushed = await pushEntry(root, rel, json);
    const resolved = resolveEntry(root, rel, json, 'SHA', SHA_OURS, SHA_THEIRS);
    expect(branchOf(pushed)).toBe('auto/tools');
    expect(branchOf(resolved)).toBe(branchOf(pushed));
  });

  it('a branch-dialect package below sdk/ gets auto/<service> from both', async () => {
    const root = await makeTempDir('publish-branch-sdk-');
    const rel = 'sdk/tables/azure-data-tables/assets.json';
    const json = { AssetsRepo: 'Azure/azure-sdk-assets', AssetsRepoPrefixPath: 'python', SHA: SHA_OURS };
    expect(branchOf(resolveEntry(root, rel, json, 'SHA', SHA_OURS, SHA_THEIRS))).toBe(branchOf(await pushEntry(root, rel, json)));
    expect(branchOf(await pushEntry(root, rel, json))).toBe('auto/tables');
  });

  it('a tag-dialect package outside sdk/ without TagPrefix gets the same tag from both', async () => {
    const root = await makeTempDir('publish-tag-');
    const rel = 'tools/asset-sync/assets.json';
    const json = { AssetsRepo: 'Azure/azure-sdk-assets', AssetsRepoPrefixPath: 'python', Tag: 'python/tools/asset-sync_0123456789' };
    const pushed = await pushEntry(root, rel, json);
    const resolved = resolveEntry(root, rel, json, 'Tag', 'python/tools/asset-sync_0123456789', 'python/tools/asset-sync_9876543210');
    const tagOf = (e: PackageEntry): string => tagNameOf(tagPrefixFor(e.settings!, e.packagePath), SHA_THEIRS);
    expect(tagOf(pushed)).toBe(`python/tools/asset-sync_${SHA_THEIRS.slice(0, 10)}`);
    expect(tagOf(resolved)).toBe(tagOf(pushed));
  });
});
