import { describe, expect, it } from 'vitest';
import { isAssetSyncError } from '@asset-sync/errors';
import {
  checkCloneUrl,
  defaultConfig,
  remoteUrlFor,
  resolveConfig,
  resolveRemoteUrl,
  sshRemoteOf,
  type AssetSyncConfig,
  type ConfigFileSettings,
} from '@asset-sync/config';

const ROOT = '/work/azure-sdk-for-python';
const REPO = 'Azure/azure-sdk-assets';

function config(settings: ConfigFileSettings | undefined, env: NodeJS.ProcessEnv = {}): AssetSyncConfig {
  const result = resolveConfig(ROOT, settings, env);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.value;
}

describe('remoteUrlFor', () => {
  it('defaults to GitHub over https', () => {
    expect(remoteUrlFor(defaultConfig(ROOT), REPO)).toBe('https://github.com/Azure/azure-sdk-assets.git');
    expect(remoteUrlFor(defaultConfig(ROOT), REPO, { originUrl: 'https://github.com/Azure/azure-sdk-for-python.git' })).toBe(
      'https://github.com/Azure/azure-sdk-assets.git',
    );
  });

  it('follows an SSH origin to the same host', () => {
    const plain = defaultConfig(ROOT);
    expect(resolveRemoteUrl(plain, REPO, { originUrl: 'git@github.com:Azure/azure-sdk-for-python.git' })).toEqual({
      url: 'git@github.com:Azure/azure-sdk-assets.git',
      from: 'origin',
      source: 'origin',
    });
    expect(remoteUrlFor(plain, REPO, { originUrl: 'ssh://git@ghe.example.com/Azure/azure-sdk-for-python.git' })).toBe(
      'git@ghe.example.com:Azure/azure-sdk-assets.git',
    );
    expect(remoteUrlFor(plain, REPO, { originUrl: 'ssh://me@ghe.example.com:2222/Azure/x.git' })).toBe(
      'ssh://git@ghe.example.com:2222/Azure/azure-sdk-assets.git',
    );
  });

  it('ignores an origin that is not plainly SSH', () => {
    for (const originUrl of ['git@-oProxyCommand=touch:x', 'C:\\repos\\python', '/srv/git/python.git', 'file:///srv/python.git']) {
      expect(remoteUrlFor(defaultConfig(ROOT), REPO, { originUrl })).toBe('https://github.com/Azure/azure-sdk-assets.git');
    }
  });

  it('an explicit template wins over the origin: the environment, then asset-sync.yaml', () => {
    const fromFile = config({ remoteUrlTemplate: 'https://mirror.example.com/{owner}/{name}.git' });
    expect(resolveRemoteUrl(fromFile, REPO, { originUrl: 'git@github.com:Azure/x.git' })).toEqual({
      url: 'https://mirror.example.com/Azure/azure-sdk-assets.git',
      from: 'template',
      source: 'asset-sync.yaml',
    });
    const fromEnv = config(
      { remoteUrlTemplate: 'https://mirror.example.com/{repo}.git' },
      { ASSET_SYNC_REMOTE_URL_TEMPLATE: 'git://127.0.0.1:9418/{repo}' },
    );
    expect(resolveRemoteUrl(fromEnv, REPO)).toEqual({
      url: 'git://127.0.0.1:9418/Azure/azure-sdk-assets',
      from: 'template',
      source: 'env:ASSET_SYNC_REMOTE_URL_TEMPLATE',
    });
  });

  it('remotes win over everything, matched without regard to case', () => {
    const withRemote = config(
      { remotes: { 'azure/azure-sdk-assets': '/srv/git/assets.git' } },
      { ASSET_SYNC_REMOTE_URL_TEMPLATE: 'git://127.0.0.1:9418/{repo}' },
    );
    expect(resolveRemoteUrl(withRemote, REPO, { originUrl: 'git@github.com:Azure/x.git' })).toEqual({
      url: '/srv/git/assets.git',
      from: 'remotes',
      source: 'asset-sync.yaml',
    });
    expect(remoteUrlFor(withRemote, 'Azure/azure-sdk-for-python-assets')).toBe(
      'git://127.0.0.1:9418/Azure/azure-sdk-for-python-assets',
    );
  });

  it('refuses an assets repo that is not owner/name, and a URL that starts with "-"', () => {
    const repoError = (() => {
      try {
        remoteUrlFor(defaultConfig(ROOT), '--upload-pack=x/y');
      } catch (error) {
        return error;
      }
    })();
    expect(isAssetSyncError(repoError, 'ASSETS_JSON_INVALID')).toBe(true);
    // A config built in memory skips the file checks; the URL is still checked before use.
    const unsafe: AssetSyncConfig = { ...defaultConfig(ROOT), remotes: { [REPO]: '-oProxyCommand=x' } };
    const urlError = (() => {
      try {
        remoteUrlFor(unsafe, REPO);
      } catch (error) {
        return error;
      }
    })();
    expect(isAssetSyncError(urlError, 'CONFIG_INVALID')).toBe(true);
    expect((urlError as Error).message).toBe(
      'the clone URL of Azure/azure-sdk-assets must be a clone URL, found string "-oProxyCommand=x", which starts with "-"',
    );
  });
});

describe('clone URLs', () => {
  it.each([
    'https://github.com/Azure/azure-sdk-assets.git',
    'http://localhost:8080/a.git',
    'ssh://git@github.com/Azure/a.git',
    'git://127.0.0.1:9418/Azure/a.git',
    'file:///tmp/a.git',
    'git@github.com:Azure/a.git',
    'github.com:Azure/a.git',
    '/srv/git/a.git',
    'C:\\git\\a.git',
  ])('accepts %s', (url) => {
    expect(checkCloneUrl(url)).toBeUndefined();
  });

  it('reads SSH hosts', () => {
    expect(sshRemoteOf('git@github.com:Azure/a.git')).toEqual({ host: 'github.com' });
    expect(sshRemoteOf('ssh://github.com/Azure/a.git')).toEqual({ host: 'github.com' });
    expect(sshRemoteOf('ssh://git@host:22/a.git')).toEqual({ host: 'host', port: '22' });
    expect(sshRemoteOf('https://github.com/Azure/a.git')).toBeUndefined();
  });
});
