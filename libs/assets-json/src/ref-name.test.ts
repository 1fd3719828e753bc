import { describe, expect, it } from 'vitest';
import { checkRefName } from '@asset-sync/assets-json';

describe('checkRefName', () => {
  it.each([
    'main',
    'auto/test',
    'python/tables_26ba55dfd5',
    'python/tables/azure-data-tables_2c1f999fe0',
    'cpp/attestation_e6e6f1d0c5',
    'a.b/c-d_e',
    'release/v1.2.3',
    'naïve/ünïcode',
    'x@y',
  ])('accepts %j', (name) => {
    expect(checkRefName(name)).toBeUndefined();
  });

  it.each([
    ['', 'is empty'],
    ['@', 'is "@"'],
    ['-rf', 'starts with "-"'],
    ['--upload-pack=evil', 'starts with "-"'],
    ['a\u0000b', 'contains a control character'],
    ['a\nb', 'contains a control character'],
    ['a\u007fb', 'contains a control character'],
    ['a b', 'contains a space'],
    ['a~1', 'contains "~"'],
    ['a^2', 'contains "^"'],
    ['a:b', 'contains ":"'],
    ['a?', 'contains "?"'],
    ['a*', 'contains "*"'],
    ['a[b', 'contains "["'],
    ['a\\b', 'contains "\\"'],
    ['a..b', 'contains ".."'],
    ['a@{1}', 'contains "@{"'],
    ['/a', 'starts with "/"'],
    ['a/', 'ends with "/"'],
    ['a//b', 'contains "//"'],
    ['a.', 'ends with "."'],
    ['.a', 'has a component starting with "." (".a")'],
    ['a/.b', 'has a component starting with "." (".b")'],
    ['a.lock', 'has a component ending with ".lock" ("a.lock")'],
    ['a.lock/b', 'has a component ending with ".lock" ("a.lock")'],
  ])('rejects %j: %s', (name, reason) => {
    expect(checkRefName(name)).toBe(reason);
  });
});
