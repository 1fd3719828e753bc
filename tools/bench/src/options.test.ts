import { describe, expect, it } from 'vitest';
import { isAssetSyncError } from '@asset-sync/errors';
import { DEFAULT_WAN, parseBenchOptions, SEQUENCE_IDS, USAGE } from './options.js';

function usageError(argv: string[]): string {
  try {
    parseBenchOptions(argv);
  } catch (error) {
    expect(isAssetSyncError(error, 'USAGE')).toBe(true);
    return (error as Error).message;
  }
  throw new Error(`parseBenchOptions accepted ${argv.join(' ')}`);
}

describe('parseBenchOptions', () => {
  it('defaults to the production shape at 300 packages and the 60 ms, 200 Mbit/s link', () => {
    const options = parseBenchOptions([]);
    expect(options).toMatchObject({ packages: 300, shape: 'production', runs: 3, quick: false, sample: 30, wan: { rttMs: 60, mbit: 200 } });
    expect(DEFAULT_WAN).toEqual(options.wan);
  });

  it('reads the link, the shape and the other languages’ share', () => {
    const options = parseBenchOptions(['--wan-rtt', '120', '--wan-mbit', '0', '--shape', 'shared', '--other-share', '0.75']);
    expect(options.wan).toEqual({ rttMs: 120, mbit: 0 });
    expect(options.shape).toBe('shared');
    expect(options.otherShare).toBe(0.75);
  });

  it('samples (a) unless asked for all packages; quick samples fewer', () => {
    expect(parseBenchOptions(['--sample', 'all']).sample).toBeUndefined();
    expect(parseBenchOptions(['--packages', '20']).sample).toBeUndefined();
    expect(parseBenchOptions(['--quick']).sample).toBeLessThan(parseBenchOptions([]).sample!);
    expect(parseBenchOptions(['--quick', '--sample', '12']).sample).toBe(12);
  });

  it('skips sequences by letter, (f), (r), (g) and (h) included', () => {
    expect([...parseBenchOptions(['--skip', 'a,(r), F']).skip].sort()).toEqual(['a', 'f', 'r']);
    expect([...parseBenchOptions(['--skip', 'g,(H)']).skip].sort()).toEqual(['g', 'h']);
    expect(usageError(['--skip', 'z'])).toContain(SEQUENCE_IDS.join(', '));
  });

  it('rejects what it cannot use, saying what it found', () => {
    expect(usageError(['--shape', 'tidy'])).toContain('"tidy"');
    expect(usageError(['--wan-rtt', '-5'])).toContain('--wan-rtt');
    expect(usageError(['--wan-mbit', 'fast'])).toContain('"fast"');
    expect(usageError(['--other-share', '1'])).toContain('--other-share');
    expect(usageError(['--bogus'])).toContain('bogus');
  });

  it('documents every option it parses', () => {
    for (const flag of ['--packages', '--recordings', '--seed', '--shape', '--other-share', '--runs', '--sample', '--quick', '--wan-rtt', '--wan-mbit', '--skip', '--scale', '--migrate', '--out', '--json', '--help']) {
      expect(USAGE).toContain(flag);
    }
    for (const id of SEQUENCE_IDS) expect(USAGE).toContain(`(${id})`);
  });
});
