import { existsSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultConfig } from '@asset-sync/config';
import { discoverAll } from '@asset-sync/discovery';

const PIN = (pkg: string): string =>
  JSON.stringify({ AssetsRepo: 'Azure/azure-sdk-assets', AssetsRepoPrefixPath: 'python', TagPrefix: `python/${pkg}`, Tag: `python/${pkg}_0123456789` });

async function write(root: string, path: string, text: string): Promise<void> {
  await mkdir(dirname(join(root, path)), { recursive: true });
  await writeFile(join(root, path), text);
}

/** Sets a folder's mtime an hour back: what a folder nobody touched lately looks like, outside the racy window. */
function age(dir: string): void {
  const old = new Date(Date.now() - 3_600_000);
  utimesSync(dir, old, old);
}

describe('discoverAll with a record of the walk', () => {
  let root: string;
  let file: string;
  let config: ReturnType<typeof defaultConfig>;
  const found = async (): Promise<string[]> => (await discoverAll(root, config, { cache: { file, create: true } })).map((e) => e.path);
  const record = (): { dirs: Record<string, unknown>; matches: string[] } => JSON.parse(readFileSync(file, 'utf8'));

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'asset-sync-walk-'));
    await mkdir(join(root, '.git'));
    for (const pkg of ['tables/azure-data-tables', 'storage/azure-storage-blob', 'storage/azure-storage-queue']) {
      await write(root, `sdk/${pkg}/assets.json`, PIN(pkg));
      await write(root, `sdk/${pkg}/tests/test_a.py`, '# test\n');
    }
    file = join(root, '.assets', '.asset-sync', 'walk.json');
    config = defaultConfig(root);
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const all = ['sdk/storage/azure-storage-blob/assets.json', 'sdk/storage/azure-storage-queue/assets.json', 'sdk/tables/azure-data-tables/assets.json'];

  it('records the folders it read and what matched, and gives the same entries from the record', async () => {
    expect(await found()).toEqual(all);
    expect(record().matches.sort()).toEqual(all);
    expect(Object.keys(record().dirs)).toEqual(expect.arrayContaining(['sdk', 'sdk/storage', 'sdk/tables/azure-data-tables/tests']));
    expect(await found()).toEqual(all);
  });

  it('sees an assets.json added, removed or replaced by a folder, in a folder it recorded', async () => {
    await found();
    await write(root, 'sdk/tables/azure-data-tables/sub/assets.json', PIN('tables/sub'));
    expect(await found()).toEqual([...all, 'sdk/tables/azure-data-tables/sub/assets.json']);
    await rm(join(root, 'sdk/storage/azure-storage-queue/assets.json'));
    expect(await found()).toEqual([all[0], all[2], 'sdk/tables/azure-data-tables/sub/assets.json']);
    await rm(join(root, 'sdk/tables/azure-data-tables/sub/assets.json'));
    await mkdir(join(root, 'sdk/tables/azure-data-tables/sub/assets.json'));
    const entries = await discoverAll(root, config, { cache: { file, create: true } });
    const odd = entries.find((e) => e.path === 'sdk/tables/azure-data-tables/sub/assets.json');
    expect(odd?.problems[0]?.message).toMatch(/directory/);
  });

  it('sees a whole new package below an existing folder, and a folder swapped for another of the same name', async () => {
    await found();
    await write(root, 'sdk/keyvault/azure-keyvault-keys/assets.json', PIN('keyvault/keys'));
    expect(await found()).toContain('sdk/keyvault/azure-keyvault-keys/assets.json');
    // Same names, same mtime forced back: the inode tells it is another folder.
    const dir = join(root, 'sdk/storage');
    const before = statSync(dir);
    await rename(dir, join(root, 'storage-old'));
    await write(root, 'sdk/storage/azure-storage-file/assets.json', PIN('storage/file'));
    utimesSync(dir, before.atime, before.mtime);
    expect(await found()).toEqual(['sdk/keyvault/azure-keyvault-keys/assets.json', 'sdk/storage/azure-storage-file/assets.json', 'sdk/tables/azure-data-tables/assets.json']);
  });

  it('checks a folder changed within the racy window by its entries, even when its mtime reads as recorded', async () => {
    await found();
    await write(root, 'sdk/tables/azure-data-tables-2/assets.json', PIN('tables/two'));
    // A change that leaves the mtime as recorded (what a coarse clock does within one tick): the
    // record is given the folder's mtime as it is now.
    const stale = record() as unknown as { at: string; dirs: Record<string, { mtime: string }> };
    stale.dirs['sdk/tables']!.mtime = String(statSync(join(root, 'sdk/tables'), { bigint: true }).mtimeNs);
    stale.at = String(BigInt(Date.now() + 5) * 1_000_000n);
    writeFileSync(file, JSON.stringify(stale));
    expect(await found()).toContain('sdk/tables/azure-data-tables-2/assets.json');
  });

  it('trusts a folder by its mtime once that is older than the racy window, and refreshes the record after checking one by its entries', async () => {
    await found();
    const stamp = (): string => readFileSync(file, 'utf8');
    const first = stamp();
    // Every folder was just written: the next run checks them by their entries and records that.
    expect(await found()).toEqual(all);
    const refreshed = stamp();
    expect(JSON.parse(refreshed).at).not.toBe(JSON.parse(first).at);
    for (const dir of Object.keys(record().dirs)) age(join(root, dir));
    // Aged folders have new mtimes: checked by entries once more, then trusted without a rewrite.
    await found();
    const settled = stamp();
    expect(await found()).toEqual(all);
    expect(stamp()).toBe(settled);
  });

  it('walks again when the record is broken, is for other globs, or names a path outside the repo', async () => {
    await found();
    writeFileSync(file, '{not json');
    expect(await found()).toEqual(all);
    const good = record();
    writeFileSync(file, JSON.stringify({ ...good, matches: ['../../etc/assets.json'] }));
    expect(await found()).toEqual(all);
    writeFileSync(file, JSON.stringify({ ...good, key: 'other' }));
    expect(await found()).toEqual(all);
    const storage = await discoverAll(root, { ...config, discovery: { ...config.discovery, globs: ['sdk/storage/**/assets.json'] } }, { cache: { file, create: true } });
    expect(storage.map((e) => e.path)).toEqual([all[0], all[1]]);
    expect(await found()).toEqual(all);
  });

  it('writes no record where the assets dir does not exist, unless asked to create it', async () => {
    await discoverAll(root, config, { cache: { file } });
    expect(existsSync(file)).toBe(false);
    await found();
    expect(existsSync(file)).toBe(true);
  });
});
