import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { isAssetSyncError } from '@asset-sync/errors';
import { makeTempDir } from '@asset-sync/git-harness';
import { applyProxyFlags, singlePath } from './proxy-verbs.js';

let root: string;
const globals = (cwd: string) => ({ json: false, verbose: false, cwd });

beforeAll(async () => {
  root = await makeTempDir('proxy-verbs-');
  for (const dir of ['sdk/a', 'sdk/b', 'other']) await mkdir(join(root, dir), { recursive: true });
  for (const dir of ['sdk/a', 'sdk/b']) await writeFile(join(root, dir, 'assets.json'), '{}');
});

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return isAssetSyncError(error) ? error.code : 'not an AssetSyncError';
  }
  return undefined;
}

describe('the test-proxy\'s -a and -l', () => {
  it('change nothing when not given, and -l alone is the directory to run in', () => {
    expect(applyProxyFlags(globals(root), ['sdk/a'], { layout: 'shared' })).toEqual({ globals: globals(root), paths: ['sdk/a'], layout: 'shared' });
    expect(applyProxyFlags(globals(root), [], { storageLocation: 'sdk' }).globals.cwd).toBe(join(root, 'sdk'));
  });

  it('read a relative -a from -l, else TEST_PROXY_FOLDER, else the working directory, and run in its language repo in the test-proxy layout', () => {
    const fromL = applyProxyFlags(globals(join(root, 'other')), [], { assetsJsonPath: ['sdk/a/assets.json', join(root, 'sdk/b')], storageLocation: '..' }, {});
    expect(fromL).toEqual({ globals: globals(join(root, 'sdk/a')), paths: [join(root, 'sdk/a/assets.json'), join(root, 'sdk/b/assets.json')], layout: 'test-proxy' });
    expect(applyProxyFlags(globals(join(root, 'other')), [], { assetsJsonPath: ['a'] }, { TEST_PROXY_FOLDER: join(root, 'sdk') }).paths).toEqual([join(root, 'sdk/a/assets.json')]);
    expect(applyProxyFlags(globals(root), [], { assetsJsonPath: ['sdk/b'], layout: 'shared' }, {}).layout).toBe('shared');
  });

  it('take an assets.json or the folder holding one, and nothing above it', () => {
    expect(codeOf(() => applyProxyFlags(globals(root), [], { assetsJsonPath: ['sdk/missing/assets.json'] }, {}))).toBe('ASSETS_JSON_NOT_FOUND');
    expect(codeOf(() => applyProxyFlags(globals(root), [], { assetsJsonPath: ['other'] }, {}))).toBe('ASSETS_JSON_NOT_FOUND');
    expect(codeOf(() => applyProxyFlags(globals(join(root, 'sdk/a')), [], { assetsJsonPath: ['nested/dir'] }, {}))).toBe('ASSETS_JSON_NOT_FOUND');
  });

  it('name one package for the single-package verbs', () => {
    expect(singlePath('push', ['x'])).toBe('x');
    expect(singlePath('push', [])).toBeUndefined();
    expect(codeOf(() => singlePath('push', ['x', 'y']))).toBe('USAGE');
  });
});
