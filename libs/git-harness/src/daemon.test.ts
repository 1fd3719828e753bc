import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  commitFiles,
  git,
  isolatedGitEnv,
  listFilesAt,
  makeBareAssetsRepo,
  makeTempDir,
  removeTempDirs,
  startGitDaemon,
  type GitDaemon,
} from '@asset-sync/git-harness';
import { WATCHDOG_SCRIPT } from './daemon.js';

const REPO = 'Azure/azure-sdk-assets';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return condition();
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('startGitDaemon', () => {
  let root: string;
  let bare: string;
  let daemon: GitDaemon;
  let tag: string;

  beforeAll(async () => {
    root = await makeTempDir('server');
    bare = await makeBareAssetsRepo(root, REPO);
    const files: Record<string, string> = {};
    for (let i = 0; i < 20; i++) files[`python/sdk/tables/azure-data-tables/tests/recordings/test_${i}.json`] = `{"n": ${i}}\n`.repeat(50);
    files['js/sdk/other/pkg/recordings/node/x/recording_y.json'] = '{}\n';
    const commit = await commitFiles(bare, files);
    tag = `python/tables/azure-data-tables_${commit.slice(0, 10)}`;
    await git(['--git-dir', bare, 'tag', tag, commit]);
    daemon = await startGitDaemon(root);
  });

  afterAll(async () => {
    await daemon?.stop();
    await removeTempDirs();
  });

  it('serves repositories by name on loopback', async () => {
    expect(daemon.url(REPO)).toBe(`git://127.0.0.1:${daemon.port}/${REPO}.git`);
    expect(daemon.urlTemplate).toBe(`git://127.0.0.1:${daemon.port}/{repo}.git`);
    const refs = await git(['ls-remote', daemon.url(REPO)]);
    expect(refs).toContain(`refs/tags/${tag}`);
  });

  it('serves a partial clone: blobs stay on the server until a checkout asks for them', async () => {
    const clone = join(await makeTempDir('client'), 'assets');
    daemon.clearLog();
    await git(['clone', '--quiet', '--filter=blob:none', '--no-checkout', daemon.url(REPO), clone]);
    expect(await daemon.countRequests('upload-pack', REPO)).toBe(1);
    expect(await git(['config', 'remote.origin.promisor'], { cwd: clone })).toBe('true');
    const missing = (await git(['rev-list', '--objects', '--all', '--missing=print'], { cwd: clone }))
      .split('\n')
      .filter((line) => line.startsWith('?'));
    expect(missing.length).toBe(21);

    // A sparse checkout of one package fetches only its blobs, in one more connection.
    await git(['sparse-checkout', 'set', '--no-cone', '/python/sdk/tables/'], { cwd: clone });
    await git(['checkout', '--quiet', tag], { cwd: clone });
    expect(await daemon.countRequests('upload-pack', REPO)).toBe(2);
    const stillMissing = (await git(['rev-list', '--objects', '--all', '--missing=print'], { cwd: clone }))
      .split('\n')
      .filter((line) => line.startsWith('?'));
    expect(stillMissing.length).toBe(1);
  });

  it('accepts a push from a partial clone, with push options', async () => {
    const clone = join(await makeTempDir('client'), 'assets');
    await git(['clone', '--quiet', '--filter=blob:none', daemon.url(REPO), clone]);
    await git(['checkout', '--quiet', '-b', 'work'], { cwd: clone });
    await writeFile(join(clone, 'python/sdk/tables/azure-data-tables/tests/recordings/test_new.json'), '{"new": true}\n');
    await git(['add', '-A'], { cwd: clone });
    await git(['commit', '--quiet', '-m', 'Automatic asset update from test-proxy.'], { cwd: clone });
    const pushed = await git(['rev-parse', 'HEAD'], { cwd: clone });
    const newTag = `python/tables/azure-data-tables_${pushed.slice(0, 10)}`;
    await git(['tag', newTag], { cwd: clone });
    daemon.clearLog();
    await git(['push', '--quiet', '-o', 'ci.skip', 'origin', `refs/tags/${newTag}`], { cwd: clone });
    expect(await daemon.countRequests('receive-pack', REPO)).toBe(1);
    const files = await listFilesAt(bare, newTag, 'python/sdk/tables/azure-data-tables/tests/recordings');
    expect(files.get('test_new.json')?.toString()).toBe('{"new": true}\n');
    expect(files.size).toBe(21);
  });

  it('accepts a push from a sparse partial clone without fetching the blobs it lacks', async () => {
    const clone = join(await makeTempDir('client'), 'assets');
    await git(['clone', '--quiet', '--filter=blob:none', '--no-checkout', daemon.url(REPO), clone]);
    await git(['sparse-checkout', 'set', '--no-cone', '/python/sdk/tables/'], { cwd: clone });
    await git(['checkout', '--quiet', '-b', 'work', tag], { cwd: clone });
    await writeFile(join(clone, 'python/sdk/tables/azure-data-tables/tests/recordings/test_0.json'), '{"changed": true}\n');
    await git(['commit', '--quiet', '-am', 'Automatic asset update from test-proxy.'], { cwd: clone });
    const pushed = await git(['rev-parse', 'HEAD'], { cwd: clone });
    daemon.clearLog();
    await git(['push', '--quiet', 'origin', `${pushed}:refs/tags/python/tables/azure-data-tables_${pushed.slice(0, 10)}`], { cwd: clone });
    expect(await daemon.countRequests('receive-pack', REPO)).toBe(1);
    expect(await daemon.countRequests('upload-pack', REPO)).toBe(0);
    const other = await listFilesAt(bare, pushed, 'js');
    expect(other.size).toBe(1);
  });

  it('lists requests with the serving pid', async () => {
    daemon.clearLog();
    await git(['ls-remote', daemon.url(REPO)]);
    const requests = await daemon.requests();
    expect(requests).toEqual([{ pid: expect.any(Number), service: 'upload-pack', path: `/${REPO}.git` }]);
    expect(daemon.log()).toContain('Request upload-pack');
  });

  it('runs two daemons side by side on different ports', async () => {
    const other = await startGitDaemon(root);
    try {
      expect(other.port).not.toBe(daemon.port);
      expect(await git(['ls-remote', other.url(REPO)])).toContain(tag);
    } finally {
      await other.stop();
    }
  });
});

describe('stopping', () => {
  it('stop() ends the daemon process and frees the port; a second stop() is harmless', async () => {
    const daemon = await startGitDaemon(await makeTempDir('server'));
    expect(daemon.pid).toBeGreaterThan(0);
    expect(isAlive(daemon.pid)).toBe(true);
    expect(await canConnect(daemon.port)).toBe(true);
    await daemon.stop();
    expect(await waitFor(() => !isAlive(daemon.pid))).toBe(true);
    expect(await canConnect(daemon.port)).toBe(false);
    await daemon.stop();
  });

  it('the watchdog stops the daemon when the process that started it is killed outright', async () => {
    const root = await makeTempDir('server');
    // A parent that starts a daemon the way startGitDaemon does, reports its pid, then waits to be killed.
    const parentScript = `
      const { spawn } = require('node:child_process');
      const [watchdog, args] = JSON.parse(process.argv[1]);
      const child = spawn(process.execPath, ['-e', watchdog, JSON.stringify(args)], { stdio: ['pipe', 'ignore', 'pipe'] });
      let log = '';
      child.stderr.on('data', (chunk) => {
        log += chunk;
        const match = /\\[(\\d+)\\] Ready to rumble/.exec(log);
        if (match) process.stdout.write(match[1] + '\\n');
      });
      setInterval(() => {}, 1000);
    `;
    const args = ['git', 'daemon', '--reuseaddr', `--base-path=${root}`, '--export-all', '--listen=127.0.0.1', `--port=${await freePort()}`, '--verbose', root];
    const parent = spawn(process.execPath, ['-e', parentScript, JSON.stringify([WATCHDOG_SCRIPT, args])], {
      env: isolatedGitEnv(),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const pid = await new Promise<number>((resolve, reject) => {
      parent.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
      parent.once('exit', () => reject(new Error('parent exited early')));
    });
    expect(isAlive(pid)).toBe(true);
    parent.kill('SIGKILL');
    expect(await waitFor(() => !isAlive(pid))).toBe(true);
  });
});
