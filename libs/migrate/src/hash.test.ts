import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blobIdOf, blobIdOfFile } from '@asset-sync/migrate';

describe('blobIdOfFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'migrate-hash-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('gives the id git gives the same bytes, read whole or streamed', async () => {
    const content = Buffer.alloc(300_000, 'recording ');
    const file = join(dir, "name with spaces, 'quotes' (1) 100% ü.json");
    await writeFile(file, content);
    const fromGit = execFileSync('git', ['hash-object', '--no-filters', '--stdin'], { input: content }).toString().trim();
    expect(await blobIdOfFile(file)).toBe(fromGit);
    expect(await blobIdOfFile(file, { streamAbove: 1000 })).toBe(fromGit);
    expect(blobIdOf(content)).toBe(fromGit);
  });

  it('is undefined for a file that is not there', async () => {
    expect(await blobIdOfFile(join(dir, 'missing.json'))).toBeUndefined();
  });
});
