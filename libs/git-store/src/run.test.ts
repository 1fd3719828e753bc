import { afterEach, describe, expect, it } from 'vitest';
import { AssetSyncError } from '@asset-sync/errors';
import { gitEnvironment, isTransient, runGit, splitCredentials } from '@asset-sync/git-store';

describe('gitEnvironment', () => {
  afterEach(() => {
    delete process.env['GIT_TOKEN'];
  });

  const settings = (env: NodeJS.ProcessEnv): Array<[string, string]> =>
    Array.from({ length: Number(env['GIT_CONFIG_COUNT'] ?? 0) }, (_, i) => [env[`GIT_CONFIG_KEY_${i}`]!, env[`GIT_CONFIG_VALUE_${i}`]!]);

  it('passes GIT_TOKEN through GIT_CONFIG_* variables, scoped to https and to the allowed hosts only', () => {
    process.env['GIT_TOKEN'] = 'ghs_secretvalue123';
    const header = `Authorization: Basic ${Buffer.from('x-access-token:ghs_secretvalue123').toString('base64')}`;
    expect(settings(gitEnvironment())).toEqual([['http.https://github.com/.extraHeader', header]]);
    process.env['ASSET_SYNC_TOKEN_HOSTS'] = 'ghe.example.com, 127.0.0.1:8443, bad host, evil.com/x';
    try {
      expect(settings(gitEnvironment()).map(([key]) => key)).toEqual([
        'http.https://github.com/.extraHeader',
        'http.https://ghe.example.com/.extraHeader',
        'http.https://127.0.0.1:8443/.extraHeader',
      ]);
    } finally {
      delete process.env['ASSET_SYNC_TOKEN_HOSTS'];
    }
    expect(gitEnvironment()['GIT_TERMINAL_PROMPT']).toBe('0');
  });

  it('takes credentials out of a remote URL and scopes them to it as a header', () => {
    expect(splitCredentials('https://alice:p%40ss@ghe.example.com/o/r.git')).toEqual({
      url: 'https://ghe.example.com/o/r.git',
      config: [['http.https://ghe.example.com/o/r.git.extraHeader', `Authorization: Basic ${Buffer.from('alice:p@ss').toString('base64')}`]],
    });
    expect(splitCredentials('git://127.0.0.1:9418/o/r.git')).toEqual({ url: 'git://127.0.0.1:9418/o/r.git', config: [] });
    expect(splitCredentials('git@github.com:o/r.git')).toEqual({ url: 'git@github.com:o/r.git', config: [] });
  });

  it('keeps the token out of error messages', async () => {
    process.env['GIT_TOKEN'] = 'ghs_secretvalue123';
    const error = await runGit(['ls-remote', 'https://ghs_secretvalue123@127.0.0.1:9/x.git'], { cwd: process.cwd(), network: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AssetSyncError);
    expect((error as AssetSyncError).message).not.toContain('ghs_secretvalue123');
    expect((error as AssetSyncError).code).toBe('REMOTE_UNREACHABLE');
  }, 30_000);

  it('classifies transient network failures', () => {
    expect(isTransient('fatal: unable to access ...: The requested URL returned error: 503')).toBe(true);
    expect(isTransient('error: RPC failed; curl 56 Recv failure: Connection reset by peer')).toBe(true);
    expect(isTransient("fatal: couldn't find remote ref refs/tags/x")).toBe(false);
  });
});
