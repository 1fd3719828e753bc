import { describe, expect, it } from 'vitest';
import { formatBytes, plural, withThousands } from './wording.js';

describe('the shared wording', () => {
  it('counts with thousands separators, and leaves file names such as assets.json alone', () => {
    expect([plural(1, 'file'), plural(0, 'file'), plural(4693, 'recording'), plural(2, 'assets.json'), plural(2, 'package folder')]).toEqual([
      '1 file',
      '0 files',
      '4,693 recordings',
      '2 assets.json',
      '2 package folders',
    ]);
  });

  it('sizes in binary units, as git prints them', () => {
    expect([0, 512, 1536, 1024 ** 2 * 1.5, 666 * 1024 ** 2, 2.5 * 1024 ** 3].map(formatBytes)).toEqual(['0 B', '512 B', '1.5 KiB', '1.5 MiB', '666.0 MiB', '2.50 GiB']);
  });
});

describe('plural of words ending in a hiss', () => {
  it('adds "es"', () => {
    expect([plural(2, 'fetch'), plural(1, 'fetch'), plural(0, 'pass'), plural(3, 'box')]).toEqual(['2 fetches', '1 fetch', '0 passes', '3 boxes']);
  });
});

describe('withThousands', () => {
  it('groups digits by three the way en-US does', () => {
    const values = [0, 7, 999, 1000, 4693, 1234567, -1234, 12.5, 1234.25];
    expect(values.map(withThousands)).toEqual(values.map((value) => value.toLocaleString('en-US', { maximumFractionDigits: 20 })));
  });
});
