import { describe, expect, it } from 'vitest';
import { isAssetSyncError } from '@asset-sync/errors';
import { lineMatcher, searchContent } from './grep-match.js';

const text = (s: string): Buffer => Buffer.from(s, 'utf8');

describe('grep matching', () => {
  it('numbers matching lines from 1, with CRLF endings stripped', () => {
    const found = searchContent(text('{\r\n  "Uri": "https://fake.blob"\r\n  "Key": "x"\r\n}\r\n'), lineMatcher({ pattern: 'fake\\.blob' }));
    expect(found).toEqual({ binary: false, lines: [{ line: 2, text: '  "Uri": "https://fake.blob"' }] });
  });

  it('takes -F literally and -i case-insensitively', () => {
    expect(searchContent(text('a.b\naxb\n'), lineMatcher({ pattern: 'a.b', fixed: true }))).toEqual({ binary: false, lines: [{ line: 1, text: 'a.b' }] });
    expect(searchContent(text('Secret\n'), lineMatcher({ pattern: 'SECRET', ignoreCase: true }))).toEqual({ binary: false, lines: [{ line: 1, text: 'Secret' }] });
    expect(searchContent(text('Secret\n'), lineMatcher({ pattern: 'SECRET', fixed: true }))).toBeUndefined();
    expect(searchContent(text('Secret\n'), lineMatcher({ pattern: 'secret', fixed: true, ignoreCase: true }))).toBeDefined();
  });

  it('says only whether a binary file matches', () => {
    expect(searchContent(Buffer.concat([text('head\0'), text('needle\n')]), lineMatcher({ pattern: 'needle' }))).toEqual({ binary: true });
    expect(searchContent(Buffer.concat([text('head\0'), text('hay\n')]), lineMatcher({ pattern: 'needle' }))).toBeUndefined();
  });

  it('does not count the empty text after a final newline as a line', () => {
    expect(searchContent(text('x\n'), lineMatcher({ pattern: '^$' }))).toBeUndefined();
    expect(searchContent(text('x\n\ny'), lineMatcher({ pattern: '^$' }))).toEqual({ binary: false, lines: [{ line: 2, text: '' }] });
  });

  it('refuses a pattern that does not compile, as a usage error', () => {
    try {
      lineMatcher({ pattern: '(unclosed' });
      expect.unreachable();
    } catch (error) {
      expect(isAssetSyncError(error, 'USAGE')).toBe(true);
    }
  });
});
