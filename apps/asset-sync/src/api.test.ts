import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssetSyncError, isAssetSyncError } from '@asset-sync/errors';
import type { RestoreReport } from '@asset-sync/executor';
import { cliEnv, commitFiles, makeBareAssetsRepo, makeLanguageRepo, makeTempDir, removeTempDirs, startGitDaemon, type GitDaemon } from '@asset-sync/git-harness';
import { locate, restore, status } from './api.js';

const RECORDING = '{"Entries":[],"Variables":{"name":"api"}}\n';
const assetsJson = (tag: string): string =>
  `${JSON.stringify({ AssetsRepo: 'Azure/azure-sdk-assets', AssetsRepoPrefixPath: 'python', TagPrefix: 'python/tables', Tag: tag }, null, 2)}\n`;

let daemon: GitDaemon;
let lang: string;
let savedEnv: NodeJS.ProcessEnv;

beforeAll(async () => {
  const server = await makeTempDir('api-server-');
  const repo = await makeBareAssetsRepo(server);
  await commitFiles(repo, { 'python/sdk/tables/tests/recordings/test_api.json': RECORDING }, { tag: 'python/tables_0000000001' });
  daemon = await startGitDaemon(server);
  lang = await makeTempDir('api-lang-');
  await makeLanguageRepo(lang, {
    files: {
      'sdk/tables/assets.json': assetsJson('python/tables_0000000001'),
      'sdk/missing/assets.json': assetsJson('python/tables_not_there'),
    },
  });
  // The API reads its settings and runs git with this process's environment, as the CLI does.
  savedEnv = { ...process.env };
  process.env = cliEnv({ ASSET_SYNC_REMOTE_URL_TEMPLATE: daemon.urlTemplate, ASSET_SYNC_RETRY_BASE_MS: '10', ASSET_SYNC_NETWORK_ATTEMPTS: '1' });
});

afterAll(async () => {
  process.env = savedEnv;
  await daemon?.stop();
  await removeTempDirs();
});

describe('programmatic API', () => {
  it('restores one package and returns the report restore --json prints', async () => {
    const report = await restore({ cwd: lang, paths: ['sdk/tables'] });
    expect(report.ok).toBe(true);
    expect(report.packages.map((p) => [p.id, p.status])).toEqual([['sdk/tables/assets.json', 'restored']]);

    const found = await locate({ cwd: join(lang, 'sdk', 'tables') });
    expect(found.recordings).toBe(join(found.locate, 'sdk', 'tables'));
    expect(await readFile(join(found.recordings, 'tests', 'recordings', 'test_api.json'), 'utf8')).toBe(RECORDING);

    const reports = await status({ cwd: lang, paths: ['sdk/tables'] });
    expect(reports).toMatchObject([{ id: 'sdk/tables/assets.json', restored: true, upToDate: true }]);
  });

  it('throws an AssetSyncError carrying the report when a package fails', async () => {
    const error = await restore({ cwd: lang, all: true }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AssetSyncError);
    if (!isAssetSyncError(error)) return;
    expect(error.code).toBe('PIN_NOT_FOUND');
    expect(error.message).toContain('sdk/missing/assets.json');
    const report = error.report as RestoreReport;
    expect(report.ok).toBe(false);
    expect(Object.fromEntries(report.packages.map((p) => [p.id, p.status]))).toEqual({
      'sdk/missing/assets.json': 'failed',
      'sdk/tables/assets.json': 'up-to-date',
    });
  });

  it('lets the CLI\'s own errors through: locate of a package that is not restored', async () => {
    await expect(locate({ cwd: lang, path: 'sdk/missing' })).rejects.toMatchObject({ name: 'AssetSyncError', code: 'NOT_RESTORED' });
  });
});
