import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { liveTempDirs, makeTempDir, removeTempDir, removeTempDirs, withTempDir } from '@asset-sync/git-harness';
import { JANITOR_SCRIPT } from './temp.js';

describe('temp dirs', () => {
  it('creates fresh resolved dirs under the OS temp dir and removes them', async () => {
    const a = await makeTempDir('asset-sync-test');
    const b = await makeTempDir('asset-sync-test');
    expect(a).not.toBe(b);
    expect(a.startsWith(realpathSync(tmpdir()))).toBe(true);
    expect(liveTempDirs()).toEqual(expect.arrayContaining([a, b]));
    await removeTempDir(a);
    expect(existsSync(a)).toBe(false);
    await removeTempDirs();
    expect(existsSync(b)).toBe(false);
    expect(liveTempDirs()).not.toContain(b);
  });

  it('withTempDir removes the dir even when the body throws', async () => {
    let seen = '';
    await expect(
      withTempDir('asset-sync-test', async (dir) => {
        seen = dir;
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(existsSync(seen)).toBe(false);
  });
});

describe('the janitor', () => {
  it('removes the dirs it was told about when the process that made them is killed outright', async () => {
    const kept = mkdtempSync(join(tmpdir(), 'asset-sync-janitor-kept-'));
    const doomed = mkdtempSync(join(tmpdir(), 'asset-sync-janitor-doomed-'));
    writeFileSync(join(doomed, 'file'), 'x');
    // A parent that hands the janitor two dirs, takes one back, then is killed.
    const parentScript = `
      const { spawn } = require('node:child_process');
      const [script, doomed, kept] = JSON.parse(process.argv[1]);
      const janitor = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'ignore', 'ignore'] });
      janitor.stdin.write('+' + doomed + '\\n+' + kept + '\\n-' + kept + '\\n', () => process.stdout.write('ready\\n'));
      setInterval(() => {}, 1000);
    `;
    const parent = spawn(process.execPath, ['-e', parentScript, JSON.stringify([JANITOR_SCRIPT, doomed, kept])], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise((resolve) => parent.stdout.once('data', resolve));
    parent.kill('SIGKILL');
    const deadline = Date.now() + 5000;
    while (existsSync(doomed) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(existsSync(doomed)).toBe(false);
    expect(existsSync(kept)).toBe(true);
    await rm(kept, { recursive: true, force: true });
  });
});
