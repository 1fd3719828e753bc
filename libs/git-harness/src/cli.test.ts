import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliBinPath, cliEnv, makeTempDir, normalizeOutput, removeTempDirs, runCli, workspaceRoot } from '@asset-sync/git-harness';

afterAll(removeTempDirs);

describe('cliEnv', () => {
  it('runs non-interactive, colourless, without system or user git config', () => {
    const env = cliEnv();
    expect(env['CI']).toBe('true');
    expect(env['NO_COLOR']).toBe('1');
    expect(env['GIT_TERMINAL_PROMPT']).toBe('0');
    expect(env['GIT_CONFIG_NOSYSTEM']).toBe('1');
    const global = env['GIT_CONFIG_GLOBAL'] as string;
    expect(global.startsWith(tmpdir())).toBe(true);
    expect(readFileSync(global, 'utf8')).toContain('email = asset-sync-test@example.invalid');
  });

  it('drops variables that would point git or asset-sync elsewhere, and applies overrides', () => {
    const saved = { ...process.env };
    process.env['GIT_DIR'] = '/somewhere/.git';
    process.env['GIT_AUTHOR_NAME'] = 'Someone';
    process.env['ASSET_SYNC_REMOTE'] = 'https://example.com/{repo}';
    try {
      const env = cliEnv({ EXTRA: 'x', CI: undefined });
      expect(env['GIT_DIR']).toBeUndefined();
      expect(env['GIT_AUTHOR_NAME']).toBeUndefined();
      expect(env['ASSET_SYNC_REMOTE']).toBeUndefined();
      expect(env['EXTRA']).toBe('x');
      expect(env['CI']).toBeUndefined();
    } finally {
      process.env = saved;
    }
  });

  it('can run without a git identity', () => {
    const global = cliEnv({}, { gitIdentity: false })['GIT_CONFIG_GLOBAL'] as string;
    const text = readFileSync(global, 'utf8');
    expect(text).not.toContain('email');
    expect(text).toContain('useConfigOnly = true');
  });
});

describe('runCli', () => {
  it('finds the CLI bin from the workspace root', () => {
    expect(existsSync(join(workspaceRoot(), 'package.json'))).toBe(true);
    expect(cliBinPath()).toBe(join(workspaceRoot(), 'apps', 'asset-sync', 'bin', 'asset-sync.js'));
  });

  it('passes args, cwd, env and stdin, and returns stdout, stderr and the exit code', async () => {
    const dir = await makeTempDir('cli');
    const bin = join(dir, 'fake-cli.mjs');
    await writeFile(
      bin,
      [
        "let input = '';",
        "process.stdin.on('data', (c) => (input += c));",
        "process.stdin.on('end', () => {",
        '  console.log(JSON.stringify({ args: process.argv.slice(2), cwd: process.cwd(), ci: process.env.CI, extra: process.env.EXTRA, input }));',
        "  console.error('warning: something');",
        '  process.exitCode = 3;',
        '});',
      ].join('\n'),
    );
    const result = await runCli(['restore', '--json'], { cwd: dir, env: { EXTRA: 'yes' }, input: 'y\n', bin });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toBe('warning: something\n');
    expect(JSON.parse(result.stdout)).toEqual({ args: ['restore', '--json'], cwd: dir, ci: 'true', extra: 'yes', input: 'y\n' });
  });

  it('kills a CLI that hangs past the timeout', async () => {
    const dir = await makeTempDir('cli');
    const bin = join(dir, 'hang.mjs');
    await writeFile(bin, 'setInterval(() => {}, 1000);\n');
    const result = await runCli([], { cwd: dir, bin, timeoutMs: 300 });
    expect(result.exitCode).toBeNull();
    expect(result.signal).toBe('SIGKILL');
  });
});

describe('normalizeOutput', () => {
  it('replaces commit ids, tag suffixes, temp paths, durations, ports and dates', () => {
    const text = [
      'Restored python/tables/azure-data-tables_2c1f999fe0 (2c1f999fe0d1e2b3c4d5e6f708192a3b4c5d6e7f) in 1.25s',
      'from git://127.0.0.1:41234/Azure/azure-sdk-assets.git into /work/tmp/asset-sync-x/repo/.assets',
      'took 340 ms; checked 2024-05-01T10:20:30.123Z\r\n',
    ].join('\n');
    expect(normalizeOutput(text, { tmpDirs: { '<repo>': '/work/tmp/asset-sync-x/repo' } })).toBe(
      [
        'Restored python/tables/azure-data-tables_<sha10> (<sha>) in <duration>',
        'from git://127.0.0.1:<port>/Azure/azure-sdk-assets.git into <repo>/.assets',
        'took <duration>; checked <date>\n',
      ].join('\n'),
    );
  });

  it('replaces the longest directory first and any other fresh temp dir', () => {
    const base = join(tmpdir(), 'asset-sync-abc123');
    const text = `${base}/server ${base}/repo/sdk ${join(tmpdir(), 'other-xyz')}/file`;
    expect(normalizeOutput(text, { tmpDirs: { '<root>': base, '<repo>': `${base}/repo` } })).toBe(
      '<root>/server <repo>/sdk <tmp>/file',
    );
    expect(normalizeOutput(`${base}/x`, { tmpDirs: [base] })).toBe('<tmp>/x');
  });

  it('leaves ordinary words and numbers alone', () => {
    const text = 'restored 12 packages (3 up to date), 1500 files, deadbeef, v1.2.3';
    expect(normalizeOutput(text)).toBe(text);
    expect(normalizeOutput('HEAD is now at 1a2b3c4 message')).toBe('HEAD is now at <short-sha> message');
    expect(normalizeOutput('HEAD is now at 1a2b3c4 message', { shortShas: false })).toBe('HEAD is now at 1a2b3c4 message');
  });
});
