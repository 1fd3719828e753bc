import { afterEach, describe, expect, it } from 'vitest';
import { AssetSyncError } from '@asset-sync/errors';
import { gitEnvironment, isTransient, runGit } from '@asset-sync/git-store';

describe('gitEnvironment', () => {
  afterEach(() => {
    delete process.env['GIT_TOKEN'];
  });

  it('passes GIT_TOKEN as an http.extraHeader through GIT_CONFIG_* variables, not the command line', () => {
    process.env['GIT_TOKEN'] = 'ghs_secretvalue123';
    const env = gitEnvironment();
    const count = Number(env['GIT_CONFIG_COUNT']);
    const keys = Array.from({ length: count }, (_, i) => env[`GIT_CONFIG_KEY_${i}`]);
    const index = keys.indexOf('http.extraHeader');
    expect(index).toBeGreaterThanOrEqual(0);
    expect(env[`GIT_CONFIG_VALUE_${index}`]).toBe(`Authorization: Basic ${Buffer.from('x-access-token:ghs_secretvalue123').toString('base64')}`);
    expect(env['GIT_TERMINAL_PROMPT']).toBe('0');
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
