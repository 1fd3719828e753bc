import { appendFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { isAssetSyncError } from '@asset-sync/errors';
import { listFilesAt, makeTempDir, removeTempDirs } from '@asset-sync/git-harness';
import { generateCorpus, type CorpusManifest, type CorpusPackage } from '@asset-sync/corpus';
import { assetsPathOf } from './manifest.js';
import type { RestoreReportJson } from './restore.js';
import { verifyRestore } from './verify.js';

let manifest: CorpusManifest | undefined;
let checkoutRoot: string;

/** What a correct restore leaves: every pin's files under `<checkout>/<prefix>/<package path>`, and a report that says so. */
async function writeCorrectRestore(): Promise<{ manifest: CorpusManifest; report: RestoreReportJson }> {
  const root = await makeTempDir('bench-verify');
  manifest ??= await generateCorpus({ root: join(root, 'server'), packages: 8, recordingsPerPackage: 3, seed: 'bench-verify' });
  checkoutRoot = join(root, 'checkout');
  const packages: RestoreReportJson['packages'] = [];
  for (const pkg of manifest.packages) {
    for (const [path, bytes] of await listFilesAt(manifest.repoPath, pkg.commit, assetsPathOf(pkg))) {
      const file = join(checkoutRoot, assetsPathOf(pkg), path);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, bytes);
    }
    packages.push({ id: `${pkg.packagePath}/assets.json`, status: 'restored', commit: pkg.commit, locate: join(checkoutRoot, pkg.prefix) });
  }
  const report: RestoreReportJson = {
    ok: true,
    packages,
    checkouts: [{ dir: checkoutRoot, action: 'created' }],
    network: { pinFetches: 1, pins: 1, objectFetches: 1, objects: 0, bytes: 0 },
    summary: { restored: packages.length, upToDate: 0, pendingKept: 0, failed: 0, durationMs: 1 },
  };
  return { manifest, report };
}

function firstFileOf(pkg: CorpusPackage): string {
  return join(checkoutRoot, assetsPathOf(pkg), pkg.paths[0] as string);
}

async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(isAssetSyncError(error, 'VERIFY_FAILED')).toBe(true);
    return (error as Error).message;
  }
  throw new Error('verifyRestore accepted a wrong restore');
}

afterAll(removeTempDirs);

describe('verifyRestore', () => {
  let state: { manifest: CorpusManifest; report: RestoreReportJson };
  beforeEach(async () => {
    state = await writeCorrectRestore();
  }, 60_000);
  const withFiles = (): CorpusPackage => state.manifest.packages.find((pkg) => pkg.files > 0) as CorpusPackage;

  it('accepts a restore that matches every pin and counts what it compared', async () => {
    const checked = await verifyRestore(state.manifest, state.report);
    expect(checked.packages).toBe(state.manifest.packages.length);
    expect(checked.files).toBe(state.manifest.packages.reduce((sum, pkg) => sum + pkg.files, 0));
    expect(checked.bytes).toBe(state.manifest.totalBytes);
  });

  it('fails loudly on a file with other bytes, naming the package and the file', async () => {
    const pkg = withFiles();
    await appendFile(firstFileOf(pkg), ' ');
    const message = await failure(verifyRestore(state.manifest, state.report));
    expect(message).toContain(`${pkg.packagePath}/assets.json`);
    expect(message).toContain(`1 with other bytes (${pkg.paths[0]})`);
  });

  it('fails on a missing file and on a file the pin does not have', async () => {
    const pkg = withFiles();
    await rm(firstFileOf(pkg));
    await writeFile(join(checkoutRoot, assetsPathOf(pkg), 'stray.json'), '{}');
    const message = await failure(verifyRestore(state.manifest, state.report));
    expect(message).toContain('1 missing');
    expect(message).toContain('1 not in the pin (stray.json)');
  });

  it('fails when the report resolved a pin to another commit or left a package out', async () => {
    const [first, second] = state.report.packages;
    first!.commit = '0'.repeat(40);
    state.report.packages = state.report.packages.filter((p) => p !== second);
    const message = await failure(verifyRestore(state.manifest, state.report));
    expect(message).toContain(`resolved to ${'0'.repeat(40)}`);
    expect(message).toContain(`${second!.id}: missing from the restore report`);
  });
});
