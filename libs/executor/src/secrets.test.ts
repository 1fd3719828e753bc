import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { realWorldFixture } from '@asset-sync/test-utils';
import { scanFiles, scanText } from './secrets.js';

const REAL = realWorldFixture('recordings');
// 64 bytes in base64, the shape of a storage account key.
const key88 = createHash('sha512').update('not a real key').digest('base64');

describe('secret scan', () => {
  it('passes the real, sanitized recordings', () => {
    const files = new Map<string, Buffer>();
    for (const language of readdirSync(REAL, { withFileTypes: true }).filter((d) => d.isDirectory())) {
      for (const name of readdirSync(join(REAL, language.name))) files.set(`${language.name}/${name}`, readFileSync(join(REAL, language.name, name)));
    }
    expect(files.size).toBe(3);
    expect(scanFiles(files)).toEqual([]);
  });

  it('passes the placeholders sanitizers write', () => {
    const text = [
      '"Authorization": "Sanitized",',
      '"TABLES_PRIMARY_COSMOS_ACCOUNT_KEY": "Kg==",',
      '"RequestUri": "https://fake.blob.core.windows.net/c?sv=2021&sig=Sanitized",',
      '"ConnectionString": "DefaultEndpointsProtocol=https;AccountName=fake;AccountKey=Sanitized;EndpointSuffix=core.windows.net",',
      '"Authorization": "Bearer Sanitized",',
      '"client_secret": "00000000-0000-0000-0000-000000000000"',
    ].join('\n');
    expect(scanText('r.json', text)).toEqual([]);
  });

  it('finds each kind of leaked secret, with file, line and rule', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJhdWQiOiJodHRwczovL3N0b3JhZ2UuYXp1cmUuY29tIn0.c2lnbmF0dXJlLXZhbHVlLXRoYXQtaXMtbG9uZw';
    expect(key88).toHaveLength(88);
    const lines = [
      '{',
      `"key": "${key88}",`,
      '"RequestUri": "https://acct.blob.core.windows.net/c/b?sv=2021-08-06&se=2024&sr=b&sp=r&sig=Xo9%2Bk3mQpL2vR8tY6wN1zB4cF7hJ0sD5aE3gK9uM2iO%3D",',
      `"Authorization": "Bearer ${jwt}",`,
      `"token": "${jwt}",`,
      '-----BEGIN RSA PRIVATE KEY-----',
      '"cs": "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=root;SharedAccessKey=Zx8Yq2Wv7Ut4Sr1Qp9On6Ml3Kj0Ih5Gf",',
      '"gh": "ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"',
      '}',
    ];
    const findings = scanText('sdk/x/recording.json', lines.join('\n'));
    const rules = findings.map((f) => `${f.line}:${f.rule}`);
    expect(rules).toContain('2:storage-account-key');
    expect(rules).toContain('3:sas-signature');
    expect(rules).toContain('4:bearer-token');
    expect(rules).toContain('5:jwt');
    expect(rules).toContain('6:private-key');
    expect(rules).toContain('7:connection-string-secret');
    expect(rules).toContain('8:github-token');
    expect(findings.every((f) => f.file === 'sdk/x/recording.json')).toBe(true);
    // Findings never carry the secret itself.
    expect(JSON.stringify(findings)).not.toContain(key88.slice(0, 20));
  });

  it('skips binary files', () => {
    expect(scanFiles(new Map([['a.bin', Buffer.from([0, 1, 2, ...Buffer.from(`-----BEGIN PRIVATE KEY-----`)])]]))).toEqual([]);
  });
});
