import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CatFileReader, parseCatFileBatch } from './cat-file.js';

let dir: string;
const git = (args: string[], input?: string | Buffer): string => execFileSync('git', args, { cwd: dir, input, encoding: 'utf8' }).trim();
let small: string;
let big: string;
let bigBytes: Buffer;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'asset-sync-cat-file-'));
  git(['init', '--quiet', '--bare']);
  small = git(['hash-object', '-w', '--stdin'], 'a recording\n');
  // Bigger than a pipe's chunk: the answer arrives in many pieces.
  bigBytes = Buffer.alloc(3 * 1024 * 1024 + 17, 7);
  big = execFileSync('git', ['hash-object', '-w', '--stdin'], { cwd: dir, input: bigBytes, encoding: 'utf8' }).trim();
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('CatFileReader', () => {
  it('answers several questions on one process, in order, missing names absent', async () => {
    const reader = await CatFileReader.open(dir);
    try {
      const first = await reader.read([small, 'f'.repeat(40), big]);
      expect([...first.keys()]).toEqual([small, big]);
      expect(first.get(small)).toEqual({ type: 'blob', body: Buffer.from('a recording\n'), oid: small });
      expect(first.get(big)?.body.equals(bigBytes)).toBe(true);
      const second = await reader.read(['HEAD:a name with spaces', small]);
      expect([...second.keys()]).toEqual([small]);
    } finally {
      await reader.close();
    }
  });

  it('answers info questions with id and type alone, interleaved with contents questions asked at once', async () => {
    const reader = await CatFileReader.open(dir);
    try {
      const [infos, contents, more] = await Promise.all([reader.info([big, 'e'.repeat(40), small]), reader.read([small]), reader.info([small])]);
      expect([...infos.entries()]).toEqual([
        [big, { type: 'blob', body: Buffer.alloc(0), oid: big }],
        [small, { type: 'blob', body: Buffer.alloc(0), oid: small }],
      ]);
      expect(contents.get(small)?.body.toString()).toBe('a recording\n');
      expect(more.get(small)?.oid).toBe(small);
      expect(reader.broken).toBe(false);
    } finally {
      await reader.close();
    }
    expect(reader.broken).toBe(true);
  });

  it('refuses a name holding a line break, which would shift every answer after it', async () => {
    const reader = await CatFileReader.open(dir);
    try {
      await expect(reader.read([`${small}\n${big}`])).rejects.toMatchObject({ code: 'UNSAFE_INPUT' });
    } finally {
      await reader.close();
    }
  });

  it('fails a question asked after close instead of waiting for ever', async () => {
    const reader = await CatFileReader.open(dir);
    await reader.close();
    await expect(reader.read([small])).rejects.toMatchObject({ code: 'GIT_FAILED' });
  });
});

describe('parseCatFileBatch', () => {
  it('reads one-shot output by the names asked', () => {
    const out = execFileSync('git', ['cat-file', '--batch'], { cwd: dir, input: `${small}\nnope\n${small}\n` });
    const found = parseCatFileBatch(out, [small, 'nope', 'again']);
    expect([...found.keys()]).toEqual([small, 'again']);
  });
});
