import { afterEach, describe, expect, it } from 'vitest';
import { redact, AssetSyncError, exitCodeOf, describeValue, formatProblem } from '@asset-sync/errors';

describe('redact', () => {
  afterEach(() => {
    delete process.env['GIT_TOKEN'];
  });

  it('blanks credentials in URLs', () => {
    expect(redact('fatal: unable to access https://user:s3cr3t@github.com/Azure/a.git/')).toBe(
      'fatal: unable to access https://***@github.com/Azure/a.git/',
    );
    expect(redact('https://ghp_abcdef@github.com/x/y.git')).toBe('https://***@github.com/x/y.git');
  });

  it('blanks authorization headers and the GIT_TOKEN value', () => {
    process.env['GIT_TOKEN'] = 'tok-1234567';
    expect(redact('http.extraHeader=Authorization: Basic eDp5eg== and tok-1234567')).toBe(
      'http.extraHeader=Authorization: Basic *** and ***',
    );
  });

  it('leaves plain text alone', () => {
    expect(redact('git://127.0.0.1:9418/Azure/azure-sdk-assets.git')).toBe(
      'git://127.0.0.1:9418/Azure/azure-sdk-assets.git',
    );
  });
});

describe('AssetSyncError', () => {
  it('maps usage and config codes to exit 2, the rest to 1', () => {
    expect(exitCodeOf(new AssetSyncError('CONFIG_INVALID', 'x'))).toBe(2);
    expect(exitCodeOf(new AssetSyncError('USAGE', 'x'))).toBe(2);
    expect(exitCodeOf(new AssetSyncError('PIN_NOT_FOUND', 'x'))).toBe(1);
    expect(exitCodeOf(new Error('boom'))).toBe(1);
  });

  it('has its class name and serialises code, hint and problems', () => {
    const error = new AssetSyncError('ASSETS_JSON_INVALID', 'bad', {
      hint: 'fix it',
      problems: [{ file: 'a/assets.json', field: 'Tag', message: '"Tag" must be a string, found number 42' }],
    });
    expect(error.name).toBe('AssetSyncError');
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      code: 'ASSETS_JSON_INVALID',
      message: 'bad',
      hint: 'fix it',
      problems: [{ file: 'a/assets.json', field: 'Tag', message: '"Tag" must be a string, found number 42' }],
    });
  });

  it('describes found values and formats problems with positions', () => {
    expect(describeValue(42)).toBe('number 42');
    expect(describeValue('')).toBe('an empty string');
    expect(describeValue('-x')).toBe('string "-x"');
    expect(describeValue(null)).toBe('null');
    expect(formatProblem({ file: 'a.json', message: 'not JSON', line: 3, column: 5 })).toBe('a.json:3:5: not JSON');
  });
});
