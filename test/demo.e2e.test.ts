import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeTempDirs, workspaceRoot } from '@asset-sync/git-harness';

interface DemoRun {
  stdout: string;
  stderr: string;
  exitCode: number | null;
}

/** Runs the built demo as CI would (`CI=true`), with its temp dirs under `tmp`. */
function runDemo(args: string[], tmp: string): Promise<DemoRun> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, CI: 'true', NO_COLOR: '1', TMPDIR: tmp };
    delete env['ASSET_SYNC_KEEP_TEMP'];
    const child = spawn(process.execPath, [join(workspaceRoot(), 'tools', 'demo', 'dist', 'main.js'), ...args], {
      cwd: workspaceRoot(),
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ stdout, stderr, exitCode }));
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Processes whose command line mentions `text` (Linux /proc; empty elsewhere). */
async function processesMentioning(text: string): Promise<string[]> {
  if (!existsSync('/proc')) return [];
  const found: string[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(text)) found.push(`${entry}: ${cmdline.replace(/\0/g, ' ')}`);
  }
  return found;
}

function match(text: string, pattern: RegExp): RegExpExecArray {
  const found = pattern.exec(text);
  expect(found, `${pattern} in:\n${text}`).not.toBeNull();
  return found as RegExpExecArray;
}

afterAll(removeTempDirs);

describe('npm run demo', () => {
  it('restores the sample, shows where one package is, and stops its daemon (--keep)', async () => {
    const tmp = await makeTempDir('demo-e2e');
    const run = await runDemo(['--keep'], tmp);
    expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);

    const sampleDir = match(run.stdout, /temp dir:\s+(\S+) \(kept/)[1] as string;
    expect(sampleDir.startsWith(tmp)).toBe(true);
    const packages = Number(match(run.stdout, /language repo: \S+ \((\d+) assets\.json/)[1]);
    expect(packages).toBeGreaterThan(20);

    // The summary restore printed: every package restored, nothing failed.
    const summary = match(run.stdout, /Restored (\d+) of (\d+) assets\.json \((\d+) checkouts?, [\d.]+ s\)\n\s+restored (\d+) · up to date 0 · pending changes kept 0 · failed 0/);
    expect(Number(summary[1])).toBe(packages);
    expect(Number(summary[2])).toBe(packages);
    expect(Number(summary[4])).toBe(packages);
    // CI mode: progress as plain lines, never a line that rewrites itself.
    expect(run.stderr).toContain('asset-sync: fetching recordings');
    expect(run.stderr).not.toContain('\u001b[');
    expect(run.stdout).not.toContain('\u001b[');

    // locate: the folder exists now (kept), and holds the package's recordings.
    const packagePath = match(run.stdout, /\[2\/\d\] asset-sync locate\n(?:.*\n)*?\s+\(in (\S+)\)/)[1] as string;
    const located = match(run.stdout, /→ (\S+)/)[1] as string;
    expect(located.startsWith(sampleDir)).toBe(true);
    expect(existsSync(located)).toBe(true);
    const recordings = await readdir(join(located, packagePath), { recursive: true });
    expect(recordings.some((name) => String(name).endsWith('.json'))).toBe(true);
    expect(run.stdout).toMatch(/\d+ recordings in \S+, for example:/);

    expect(run.stdout).toMatch(/asset-sync status\n(?:.*\n)*?.*assets\.json: restored \(pin /);
    expect(run.stdout).toMatch(new RegExp(`${packages} assets\\.json \\(\\d+ distinct pinned commits\\) served by \\d+ checkouts?:`));
    // The Nx step either ran or said why not.
    expect(run.stdout).toMatch(/\[5\/5\] nx run[^\n]*\n(?:.*\n)*?\s+(\$ nx run-many -t restore --batch|skipped: )/);

    // No git daemon left: its pid is gone, its port closed, nothing serves the sample.
    const [, pid, port] = match(run.stdout, /git daemon:\s+pid (\d+), port (\d+)/);
    expect(run.stdout).toContain(`stopped git daemon (pid ${pid})`);
    expect(alive(Number(pid))).toBe(false);
    expect(await portOpen(Number(port))).toBe(false);
    expect(await processesMentioning(sampleDir)).toEqual([]);
    expect(run.stdout).toMatch(/demo finished in [\d.]+ s\n$/);
  });

  it('removes its temp dir without --keep', async () => {
    const tmp = await makeTempDir('demo-e2e');
    const run = await runDemo([], tmp);
    expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);
    const sampleDir = match(run.stdout, /temp dir:\s+(\S+) \(removed at the end/)[1] as string;
    expect(existsSync(sampleDir)).toBe(false);
    const [, pid] = match(run.stdout, /git daemon:\s+pid (\d+)/);
    expect(alive(Number(pid))).toBe(false);
  });

  it('exits 2 on an unknown option, before building anything', async () => {
    const tmp = await makeTempDir('demo-e2e');
    const run = await runDemo(['--bogus'], tmp);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('Usage: npm run demo');
    expect(await readdir(tmp)).toEqual([]);
  });
});
