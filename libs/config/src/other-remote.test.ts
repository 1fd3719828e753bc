import { describe, expect, it } from 'vitest';
import { isAssetSyncError } from '@asset-sync/errors';
import { checkOtherRemote, defaultConfig, otherRemoteOf, resolveConfig } from '@asset-sync/config';
import { parseConfigText } from './parse.js';

const ROOT = '/work/azure-sdk-for-python';

describe('fork and fallback remotes', () => {
  it('take owner/name (URL from the same rules as an assets repo) or a clone URL', () => {
    const result = resolveConfig(ROOT, { remotes: { 'octo/azure-sdk-assets': 'git://127.0.0.1:9/octo.git' } }, { ASSET_SYNC_FORK: 'octo/azure-sdk-assets' });
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(result.value.fork).toBe('octo/azure-sdk-assets');
    expect(result.value.sources['fork']).toBe('env:ASSET_SYNC_FORK');
    expect(otherRemoteOf(result.value, 'octo/azure-sdk-assets')).toEqual({ name: 'octo/azure-sdk-assets', url: 'git://127.0.0.1:9/octo.git' });
    expect(otherRemoteOf(result.value, 'other/assets').url).toBe('https://github.com/other/assets.git');
    expect(otherRemoteOf(result.value, 'https://example.com/x/y.git').url).toBe('https://example.com/x/y.git');
  });

  it('list the environment\'s fallbacks before asset-sync.yaml\'s, without duplicates', () => {
    const parsed = parseConfigText('fallbackRemotes: [a/assets, b/assets]\nfork: me/assets\n');
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const result = resolveConfig(ROOT, parsed.value, { ASSET_SYNC_FALLBACK_REMOTES: 'c/assets, b/assets' });
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(result.value.fallbackRemotes).toEqual(['c/assets', 'b/assets', 'a/assets']);
    expect(result.value.fork).toBe('me/assets');
    expect(result.value.sources['fork']).toBe('asset-sync.yaml');
  });

  it('refuse what is neither, naming the setting', () => {
    expect(checkOtherRemote('ext::sh -c evil')).toMatch(/whitespace|remote helper/);
    expect(checkOtherRemote('justaname')).toMatch(/owner\/name/);
    const parsed = parseConfigText('fallbackRemotes: ["-upload-pack=evil"]\n');
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problems[0]?.field).toBe('fallbackRemotes[0]');
    const env = resolveConfig(ROOT, undefined, { ASSET_SYNC_FALLBACK_REMOTES: 'ok/assets,bad' });
    expect(env.ok).toBe(false);
    if (!env.ok) expect(env.problems.map((p) => p.field)).toEqual(['ASSET_SYNC_FALLBACK_REMOTES']);
    try {
      otherRemoteOf(defaultConfig(ROOT), 'nope');
      expect.unreachable();
    } catch (error) {
      expect(isAssetSyncError(error, 'USAGE')).toBe(true);
    }
  });
});
