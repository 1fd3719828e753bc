import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PushReport } from '@asset-sync/executor';
import { commitFiles, git, listFilesAt, makeTempDir, tagCommit } from '@asset-sync/git-harness';
import { ASSETS_REPO, asJson, cli, ensureBareRepo, expectSameFiles, startCli, startServer, tagAssetsJson, type Server } from './helpers.js';

const rec = (name: string, body: string): string => `{"Entries":[{"RequestUri":"https://fake.table.core.windows.net/${name}","ResponseBody":"${body}"}],"Variables":{}}\n`;
const TABLES = 'sdk/tables/azure-data-tables';
const QUEUE = 'sdk/storage/azure-storage-queue';
const BLOB = 'sdk/storage/azure-storage-blob';

/** A language repo on a bare "GitHub" remote, and clones of it (the developers' machines). */
async function languageOrigin(files: Record<string, string>): Promise<{ origin: string; clone(name: string): Promise<string> }> {
  const base = await makeTempDir('lang-origin-');
  const seed = join(base, 'seed');
  await mkdir(seed);
  await git(['init', '--quiet', '-b', 'main', seed]);
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(seed, path, '..'), { recursive: true });
    await writeFile(join(seed, path), content);
  }
  await git(['add', '-A'], { cwd: seed });
  await git(['-c', 'user.name=seed', '-c', 'user.email=seed@example.invalid', 'commit', '--quiet', '-m', 'seed'], { cwd: seed });
  const origin = join(base, 'origin.git');
  await git(['clone', '--quiet', '--bare', seed, origin]);
  return {
    origin,
    async clone(name: string) {
      const dir = join(base, name);
      await git(['clone', '--quiet', origin, dir]);
      await git(['config', 'user.name', name], { cwd: dir });
      await git(['config', 'user.email', `${name}@example.invalid`], { cwd: dir });
      return dir;
    },
  };
}

async function commitAll(dir: string, message: string): Promise<void> {
  await git(['add', '-A'], { cwd: dir });
  await git(['commit', '--quiet', '-m', message], { cwd: dir });
}

async function recordingsDir(lang: string, pkg: string, env: Record<string, string>): Promise<string> {
  const located = await cli(['locate', pkg], lang, env);
  expect(located.exitCode, located.stderr).toBe(0);
  return join(located.stdout.trim(), pkg);
}

async function pinOf(lang: string, pkg: string): Promise<Record<string, string>> {
  return JSON.parse(await readFile(join(lang, pkg, 'assets.json'), 'utf8')) as Record<string, string>;
}

describe('the developer loop', () => {
  let server: Server;
  let c1: string;
  let tablesTag: string;
  let blobTag: string;
  let queueTag: string;

  beforeAll(async () => {
    server = await startServer();
    const repo = await ensureBareRepo(server);
    c1 = await commitFiles(repo, {
      [`python/${TABLES}/tests/recordings/test_a.json`]: rec('a', '1'),
      [`python/${TABLES}/tests/recordings/test_b.json`]: rec('b', '1'),
      [`python/${BLOB}/tests/recordings/test_x.json`]: rec('x', '1'),
      [`python/${QUEUE}/tests/recordings/test_q.json`]: rec('q', '1'),
    });
    tablesTag = `python/tables/azure-data-tables_${c1.slice(0, 10)}`;
    blobTag = `python/storage/azure-storage-blob_${c1.slice(0, 10)}`;
    queueTag = `python/storage/azure-storage-queue_${c1.slice(0, 10)}`;
    for (const tag of [tablesTag, blobTag, queueTag]) await tagCommit(repo, tag, c1);
  });
  afterAll(async () => {
    await server?.daemon.stop();
  });

  const baseFiles = (): Record<string, string> => ({
    [`${TABLES}/assets.json`]: tagAssetsJson('python', 'python/tables/azure-data-tables', tablesTag),
    [`${BLOB}/assets.json`]: tagAssetsJson('python', 'python/storage/azure-storage-blob', blobTag),
    [`${QUEUE}/assets.json`]: tagAssetsJson('python', 'python/storage/azure-storage-queue', queueTag),
    'sdk/tables/azure-data-tables/setup.py': 'name = "azure-data-tables"\n',
  });

  it('scenario 1: a new service: init, restore, record, push, commit assets.json; a fresh clone restores it', async () => {
    // No assets.json above a new service: the defaults in asset-sync.yaml apply.
    const lang = await languageOrigin({ ...baseFiles(), 'asset-sync.yaml': 'defaults:\n  AssetsRepo: Azure/azure-sdk-assets\n  AssetsRepoPrefixPath: python\n' });
    const dev = await lang.clone('dev1');
    const pkg = 'sdk/newservice/azure-newservice';
    await mkdir(join(dev, pkg), { recursive: true });
    const created = await cli(['init', pkg], dev, server.env);
    expect(created.exitCode, created.stderr).toBe(0);
    expect(await pinOf(dev, pkg)).toEqual({ AssetsRepo: ASSETS_REPO, AssetsRepoPrefixPath: 'python', TagPrefix: 'python/newservice/azure-newservice', Tag: '' });
    expect((await cli(['restore', pkg], dev, server.env)).exitCode).toBe(0);
    const folder = await recordingsDir(dev, pkg, server.env);
    expect(await readdir(folder)).toEqual([]);
    await mkdir(join(folder, 'tests/recordings'), { recursive: true });
    await writeFile(join(folder, 'tests/recordings/test_new.json'), rec('new', '1'));
    const pushed = await cli(['push', pkg, '--json'], dev, server.env);
    expect(pushed.exitCode, pushed.stderr + pushed.stdout).toBe(0);
    const report = asJson<PushReport>(pushed);
    expect(report.status).toBe('pushed');
    expect(report.pin).toBe(`python/newservice/azure-newservice_${report.commit!.slice(0, 10)}`);
    expect((await pinOf(dev, pkg))['Tag']).toBe(report.pin);
    // The tag exists on the server and holds exactly the recorded file.
    const onServer = await listFilesAt(server.repoPath(), `refs/tags/${report.pin}`, `python/${pkg}`);
    expect([...onServer.keys()]).toEqual(['tests/recordings/test_new.json']);
    // Only the package's folder changed relative to the parent.
    const changed = (await git(['--git-dir', server.repoPath(), 'diff', '--name-only', report.parent!, report.commit!])).split('\n');
    expect(changed).toEqual([`python/${pkg}/tests/recordings/test_new.json`]);
    // Status is clean right after the push, and locate points at the new pin's checkout.
    const status = asJson<Array<{ upToDate: boolean; pending?: unknown }>>(await cli(['status', pkg, '--json'], dev, server.env));
    expect(status[0]).toMatchObject({ upToDate: true });
    expect(status[0]!.pending).toBeUndefined();

    await commitAll(dev, 'add newservice');
    await git(['push', '--quiet', 'origin', 'main'], { cwd: dev });
    const fresh = await lang.clone('fresh1');
    expect((await cli(['restore', '--all'], fresh, server.env)).exitCode).toBe(0);
    expect(await readFile(join(await recordingsDir(fresh, pkg, server.env), 'tests/recordings/test_new.json'), 'utf8')).toBe(rec('new', '1'));
  });

  it('scenario 2: update one package: restore, modify, push; a fresh clone restores the new content', async () => {
    const lang = await languageOrigin(baseFiles());
    const dev = await lang.clone('dev2');
    expect((await cli(['restore', '--all'], dev, server.env)).exitCode).toBe(0);
    const folder = await recordingsDir(dev, TABLES, server.env);
    await writeFile(join(folder, 'tests/recordings/test_a.json'), rec('a', '2'));
    await writeFile(join(folder, 'tests/recordings/test_c.json'), rec('c', '2'));
    await import('node:fs/promises').then((fs) => fs.rm(join(folder, 'tests/recordings/test_b.json')));
    const report = asJson<PushReport>(await cli(['push', TABLES, '--json'], dev, server.env));
    expect(report.changes).toEqual({
      added: [`python/${TABLES}/tests/recordings/test_c.json`],
      modified: [`python/${TABLES}/tests/recordings/test_a.json`],
      deleted: [`python/${TABLES}/tests/recordings/test_b.json`],
    });
    expect(report.parent).toBe(c1);
    const before = await listFilesAt(server.repoPath(), c1, '');
    const after = await listFilesAt(server.repoPath(), report.commit!, '');
    for (const [file, bytes] of before) if (!file.startsWith(`python/${TABLES}/`)) expect(after.get(file)?.equals(bytes), file).toBe(true);
    // The other packages' pins did not move.
    expect((await pinOf(dev, BLOB))['Tag']).toBe(blobTag);
    await commitAll(dev, 'tables re-recorded');
    await git(['push', '--quiet', 'origin', 'main'], { cwd: dev });
    const fresh = await lang.clone('fresh2');
    expect((await cli(['restore', TABLES], fresh, server.env)).exitCode).toBe(0);
    await expectSameFiles(await recordingsDir(fresh, TABLES, server.env), server.repoPath(), report.commit!, `python/${TABLES}`);
    expect((await readdir(join(await recordingsDir(fresh, TABLES, server.env), 'tests/recordings'))).sort()).toEqual(['test_a.json', 'test_c.json']);
  });

  it('scenario 3: a hotfix branch pinning an older commit pushes from it and leaves main alone', async () => {
    const lang = await languageOrigin(baseFiles());
    const dev = await lang.clone('dev3');
    // main moves on: a newer tables pin.
    expect((await cli(['restore', TABLES], dev, server.env)).exitCode).toBe(0);
    await writeFile(join(await recordingsDir(dev, TABLES, server.env), 'tests/recordings/test_a.json'), rec('a', 'main'));
    const mainPush = asJson<PushReport>(await cli(['push', TABLES, '--json'], dev, server.env));
    await commitAll(dev, 'main re-record');
    await git(['push', '--quiet', 'origin', 'main'], { cwd: dev });
    // The hotfix branch starts from the release commit, which pins the older Tag.
    await git(['checkout', '--quiet', '-b', 'hotfix/1.0.1', 'HEAD~1'], { cwd: dev });
    expect((await pinOf(dev, TABLES))['Tag']).toBe(tablesTag);
    expect((await cli(['restore', TABLES], dev, server.env)).exitCode).toBe(0);
    await writeFile(join(await recordingsDir(dev, TABLES, server.env), 'tests/recordings/test_b.json'), rec('b', 'hotfix'));
    const hotfix = asJson<PushReport>(await cli(['push', TABLES, '--json'], dev, server.env));
    expect(hotfix.status).toBe('pushed');
    expect(hotfix.parent).toBe(c1);
    // The hotfix pin has the hotfix change on top of the old content, not main's change.
    const files = await listFilesAt(server.repoPath(), hotfix.commit!, `python/${TABLES}`);
    expect(files.get('tests/recordings/test_a.json')?.toString()).toBe(rec('a', '1'));
    expect(files.get('tests/recordings/test_b.json')?.toString()).toBe(rec('b', 'hotfix'));
    await commitAll(dev, 'hotfix re-record');
    const mainTables = await git(['show', `origin/main:${TABLES}/assets.json`], { cwd: dev });
    expect(JSON.parse(mainTables).Tag).toBe(mainPush.pin);
  });

  it('scenario 4: two developers push to the same pull request one after another', async () => {
    const lang = await languageOrigin(baseFiles());
    const a = await lang.clone('devA');
    const b = await lang.clone('devB');
    await git(['checkout', '--quiet', '-b', 'pr/1'], { cwd: a });
    expect((await cli(['restore', TABLES], a, server.env)).exitCode).toBe(0);
    await writeFile(join(await recordingsDir(a, TABLES, server.env), 'tests/recordings/test_a.json'), rec('a', 'A'));
    const first = asJson<PushReport>(await cli(['push', TABLES, '--json'], a, server.env));
    await commitAll(a, 'A re-records a');
    await git(['push', '--quiet', 'origin', 'pr/1'], { cwd: a });

    await git(['fetch', '--quiet', 'origin'], { cwd: b });
    await git(['checkout', '--quiet', '-b', 'pr/1', 'origin/pr/1'], { cwd: b });
    expect((await cli(['restore', TABLES], b, server.env)).exitCode).toBe(0);
    const folder = await recordingsDir(b, TABLES, server.env);
    expect(await readFile(join(folder, 'tests/recordings/test_a.json'), 'utf8')).toBe(rec('a', 'A'));
    await writeFile(join(folder, 'tests/recordings/test_b.json'), rec('b', 'B'));
    const second = asJson<PushReport>(await cli(['push', TABLES, '--json'], b, server.env));
    expect(second.parent).toBe(first.commit);
    const files = await listFilesAt(server.repoPath(), second.commit!, `python/${TABLES}`);
    expect(files.get('tests/recordings/test_a.json')?.toString()).toBe(rec('a', 'A'));
    expect(files.get('tests/recordings/test_b.json')?.toString()).toBe(rec('b', 'B'));
  });

  it('scenario 5: two pull requests re-record the same package; resolve combines the pins, or stops when a file differs', async () => {
    const lang = await languageOrigin(baseFiles());
    const a = await lang.clone('devA5');
    const b = await lang.clone('devB5');
    for (const [dev, branch, file, body] of [[a, 'pr/a', 'test_a.json', 'A'], [b, 'pr/b', 'test_b.json', 'B']] as const) {
      await git(['checkout', '--quiet', '-b', branch], { cwd: dev });
      expect((await cli(['restore', TABLES], dev, server.env)).exitCode).toBe(0);
      await writeFile(join(await recordingsDir(dev, TABLES, server.env), 'tests/recordings', file), rec(file, body));
      expect(asJson<PushReport>(await cli(['push', TABLES, '--json'], dev, server.env)).status).toBe('pushed');
      await commitAll(dev, `${branch} re-records`);
      await git(['push', '--quiet', 'origin', branch], { cwd: dev });
    }
    const pinA = (await pinOf(a, TABLES))['Tag'];
    const pinB = (await pinOf(b, TABLES))['Tag'];
    expect(pinA).not.toBe(pinB);
    // B merges A's pull request: git conflicts on the pin line.
    await git(['fetch', '--quiet', 'origin'], { cwd: b });
    const merge = await git(['merge', '--no-edit', 'origin/pr/a'], { cwd: b }).then(() => 'merged', (e: Error) => e.message);
    expect(merge).not.toBe('merged');
    expect(await readFile(join(b, TABLES, 'assets.json'), 'utf8')).toContain('<<<<<<<');
    const resolved = await cli(['resolve', TABLES, '--json'], b, server.env);
    expect(resolved.exitCode, resolved.stderr + resolved.stdout).toBe(0);
    const report = asJson<{ pin: string; commit: string }>(resolved);
    const assetsJson = await pinOf(b, TABLES);
    expect(assetsJson['Tag']).toBe(report.pin);
    expect(Object.keys(assetsJson)).toEqual(['AssetsRepo', 'AssetsRepoPrefixPath', 'TagPrefix', 'Tag']);
    const files = await listFilesAt(server.repoPath(), `refs/tags/${report.pin}`, `python/${TABLES}`);
    expect(files.get('tests/recordings/test_a.json')?.toString()).toBe(rec('test_a.json', 'A'));
    expect(files.get('tests/recordings/test_b.json')?.toString()).toBe(rec('test_b.json', 'B'));
    expect((await cli(['discover'], b, server.env)).exitCode).toBe(0);

    // The same file changed differently on both sides: resolve stops and lists it.
    const c = await lang.clone('devC5');
    const d = await lang.clone('devD5');
    for (const [dev, branch, body] of [[c, 'pr/c', 'C'], [d, 'pr/d', 'D']] as const) {
      await git(['checkout', '--quiet', '-b', branch], { cwd: dev });
      expect((await cli(['restore', TABLES], dev, server.env)).exitCode).toBe(0);
      await writeFile(join(await recordingsDir(dev, TABLES, server.env), 'tests/recordings/test_a.json'), rec('a', body));
      expect((await cli(['push', TABLES], dev, server.env)).exitCode).toBe(0);
      await commitAll(dev, `${branch} re-records`);
      await git(['push', '--quiet', 'origin', branch], { cwd: dev });
    }
    await git(['fetch', '--quiet', 'origin'], { cwd: d });
    await git(['merge', '--no-edit', 'origin/pr/c'], { cwd: d }).catch(() => undefined);
    const conflicted = await readFile(join(d, TABLES, 'assets.json'), 'utf8');
    const refused = await cli(['resolve', TABLES], d, server.env);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain(`python/${TABLES}/tests/recordings/test_a.json`);
    expect(await readFile(join(d, TABLES, 'assets.json'), 'utf8')).toBe(conflicted);
  });

  it('scenario 6: two packages of one service pushed in parallel; in the branch dialect the second push rebuilds on the first', async () => {
    const branchJson = (): string =>
      `${JSON.stringify({ AssetsRepo: ASSETS_REPO, AssetsRepoPrefixPath: 'python', AssetsRepoId: '', AssetsRepoBranch: 'auto/storage-e2e', SHA: c1 }, null, 2)}\n`;
    const lang = await languageOrigin({ [`${BLOB}/assets.json`]: branchJson(), [`${QUEUE}/assets.json`]: branchJson() });
    const a = await lang.clone('devA6');
    const b = await lang.clone('devB6');
    expect((await cli(['restore', BLOB], a, server.env)).exitCode).toBe(0);
    expect((await cli(['restore', QUEUE], b, server.env)).exitCode).toBe(0);
    await writeFile(join(await recordingsDir(a, BLOB, server.env), 'tests/recordings/test_x.json'), rec('x', 'A'));
    await writeFile(join(await recordingsDir(b, QUEUE, server.env), 'tests/recordings/test_q.json'), rec('q', 'B'));
    const first = asJson<PushReport>(await cli(['push', BLOB, '--json'], a, server.env));
    const second = asJson<PushReport>(await cli(['push', QUEUE, '--json'], b, server.env));
    expect(first.ref).toBe('refs/heads/auto/storage-e2e');
    expect(first.parent).toBe(c1);
    // The branch had moved (the first push): the second commit sits on it and keeps both changes.
    expect(second.parent).toBe(first.commit);
    expect((await pinOf(a, BLOB))['SHA']).toBe(first.commit);
    expect((await pinOf(b, QUEUE))['SHA']).toBe(second.commit);
    const head = await git(['--git-dir', server.repoPath(), 'rev-parse', 'refs/heads/auto/storage-e2e']);
    expect(head).toBe(second.commit);
    const files = await listFilesAt(server.repoPath(), head, 'python/sdk/storage');
    expect(files.get('azure-storage-blob/tests/recordings/test_x.json')?.toString()).toBe(rec('x', 'A'));
    expect(files.get('azure-storage-queue/tests/recordings/test_q.json')?.toString()).toBe(rec('q', 'B'));
  });

  it('scenario 6, at the same moment: two pushes to one branch race; the loser rebuilds on the winner and both land', async () => {
    const branchJson = `${JSON.stringify({ AssetsRepo: ASSETS_REPO, AssetsRepoPrefixPath: 'python', AssetsRepoBranch: 'auto/storage-race', SHA: c1 }, null, 2)}\n`;
    const lang = await languageOrigin({ [`${BLOB}/assets.json`]: branchJson, [`${QUEUE}/assets.json`]: branchJson });
    const a = await lang.clone('devA6r');
    const b = await lang.clone('devB6r');
    expect((await cli(['restore', BLOB], a, server.env)).exitCode).toBe(0);
    expect((await cli(['restore', QUEUE], b, server.env)).exitCode).toBe(0);
    await writeFile(join(await recordingsDir(a, BLOB, server.env), 'tests/recordings/test_x.json'), rec('x', 'race-A'));
    await writeFile(join(await recordingsDir(b, QUEUE, server.env), 'tests/recordings/test_q.json'), rec('q', 'race-B'));
    const [first, second] = await Promise.all([startCli(['push', BLOB, '--json'], a, server.env), startCli(['push', QUEUE, '--json'], b, server.env)]);
    expect(first.exitCode, first.stderr).toBe(0);
    expect(second.exitCode, second.stderr).toBe(0);
    const head = await git(['--git-dir', server.repoPath(), 'rev-parse', 'refs/heads/auto/storage-race']);
    const reports = [asJson<PushReport>(first), asJson<PushReport>(second)];
    expect(reports.map((r) => r.commit)).toContain(head);
    // Whichever lost the race sits on the winner's commit (rebuilt before or after a rejected push).
    expect(reports.some((r, i) => r.parent === reports[1 - i]!.commit)).toBe(true);
    const files = await listFilesAt(server.repoPath(), head, 'python/sdk/storage');
    expect(files.get('azure-storage-blob/tests/recordings/test_x.json')?.toString()).toBe(rec('x', 'race-A'));
    expect(files.get('azure-storage-queue/tests/recordings/test_q.json')?.toString()).toBe(rec('q', 'race-B'));
  });

  it('init copies the nearest parent assets.json without its pin, in its formatting', async () => {
    const service = `${JSON.stringify({ AssetsRepo: ASSETS_REPO, AssetsRepoPrefixPath: 'rust', TagPrefix: 'rust/eventhubs', Tag: 'rust/eventhubs_0123456789', Extra: 'kept' }, null, 4)}\r\n`;
    const lang = await languageOrigin({ 'sdk/eventhubs/assets.json': service });
    const dev = await lang.clone('dev12');
    const pkg = 'sdk/eventhubs/azure_messaging_eventhubs';
    await mkdir(join(dev, pkg), { recursive: true });
    const result = await cli(['init', '--json'], join(dev, pkg), server.env);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(asJson<{ copiedFrom: string }>(result).copiedFrom).toBe('sdk/eventhubs/assets.json');
    const text = await readFile(join(dev, pkg, 'assets.json'), 'utf8');
    expect(text).toBe(
      `${JSON.stringify({ AssetsRepo: ASSETS_REPO, AssetsRepoPrefixPath: 'rust', Extra: 'kept', TagPrefix: 'rust/eventhubs/azure_messaging_eventhubs', Tag: '' }, null, 4).replace(/\n/g, '\r\n')}\r\n`,
    );
    const again = await cli(['init'], join(dev, pkg), server.env);
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toContain('already exists');
  });

  it('reset discards exactly the pending changes of its package, after asking', async () => {
    const lang = await languageOrigin(baseFiles());
    const dev = await lang.clone('dev7');
    expect((await cli(['restore', '--all'], dev, server.env)).exitCode).toBe(0);
    const tables = await recordingsDir(dev, TABLES, server.env);
    const blob = await recordingsDir(dev, BLOB, server.env);
    await writeFile(join(tables, 'tests/recordings/test_a.json'), 'changed\n');
    await writeFile(join(tables, 'tests/recordings/extra.json'), 'extra\n');
    await writeFile(join(blob, 'tests/recordings/test_x.json'), 'blob changed\n');
    const refused = await cli(['reset', TABLES], dev, server.env);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('--yes');
    expect(await readFile(join(tables, 'tests/recordings/test_a.json'), 'utf8')).toBe('changed\n');
    const done = await cli(['reset', TABLES, '--yes', '--json'], dev, server.env);
    expect(done.exitCode, done.stderr).toBe(0);
    expect(asJson<{ discarded: unknown }>(done).discarded).toEqual({
      added: [`python/${TABLES}/tests/recordings/extra.json`],
      modified: [`python/${TABLES}/tests/recordings/test_a.json`],
      deleted: [],
    });
    await expectSameFiles(tables, server.repoPath(), c1, `python/${TABLES}`);
    // Another package's pending change is untouched.
    expect(await readFile(join(blob, 'tests/recordings/test_x.json'), 'utf8')).toBe('blob changed\n');
  });

  it('push with nothing changed says what it compared, and makes no commit or tag', async () => {
    const lang = await languageOrigin(baseFiles());
    const dev = await lang.clone('dev8');
    expect((await cli(['restore', TABLES], dev, server.env)).exitCode).toBe(0);
    const tagsBefore = await git(['--git-dir', server.repoPath(), 'tag', '--list']);
    const result = await cli(['push', TABLES], dev, server.env);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('Nothing to push');
    expect(result.stdout).toContain(`Tag ${tablesTag}`);
    expect(result.stdout).toContain(TABLES);
    expect(await git(['--git-dir', server.repoPath(), 'tag', '--list'])).toBe(tagsBefore);
  });

  it('push is blocked by a planted secret, naming file, line and rule but not the secret; --allow-secret lets it through', async () => {
    const lang = await languageOrigin(baseFiles());
    const dev = await lang.clone('dev9');
    expect((await cli(['restore', TABLES], dev, server.env)).exitCode).toBe(0);
    const folder = await recordingsDir(dev, TABLES, server.env);
    const secret = 'DefaultEndpointsProtocol=https;AccountName=real;AccountKey=Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6QUJDREVGR0g=;EndpointSuffix=core.windows.net';
    await writeFile(join(folder, 'tests/recordings/test_a.json'), `{\n  "Variables": {\n    "CONNECTION_STRING": "${secret}"\n  }\n}\n`);
    const blocked = await cli(['push', TABLES], dev, server.env);
    expect(blocked.exitCode).toBe(1);
    expect(blocked.stderr).toContain(`${TABLES}/tests/recordings/test_a.json:3: connection-string-secret`);
    expect(blocked.stderr + blocked.stdout).not.toContain('Zm9vYmFy');
    expect((await pinOf(dev, TABLES))['Tag']).toBe(tablesTag);
    const allowed = await cli(['push', TABLES, '--allow-secret', `${TABLES}/tests/recordings/test_a.json`], dev, server.env);
    expect(allowed.exitCode, allowed.stderr).toBe(0);
  });

  it('a push interrupted after the commit, before the remote update, completes when run again', async () => {
    const lang = await languageOrigin(baseFiles());
    const dev = await lang.clone('dev10');
    expect((await cli(['restore', BLOB], dev, server.env)).exitCode).toBe(0);
    await writeFile(join(await recordingsDir(dev, BLOB, server.env), 'tests/recordings/test_x.json'), rec('x', 'interrupted'));
    const tagsBefore = (await git(['--git-dir', server.repoPath(), 'tag', '--list'])).split('\n').length;
    for (const point of ['push-commit', 'push-publish']) {
      const killed = await cli(['push', BLOB], dev, { ...server.env, ASSET_SYNC_CRASH_AFTER: point });
      expect(killed.signal, point).toBe('SIGKILL');
      // assets.json is untouched until the pin is written; the recordings are as they were.
      expect((await pinOf(dev, BLOB))['Tag']).toBe(blobTag);
      expect(await readFile(join(await recordingsDir(dev, BLOB, server.env), 'tests/recordings/test_x.json'), 'utf8')).toBe(rec('x', 'interrupted'));
    }
    const rerun = asJson<PushReport>(await cli(['push', BLOB, '--json'], dev, server.env));
    expect(rerun.status).toBe('pushed');
    expect((await pinOf(dev, BLOB))['Tag']).toBe(rerun.pin);
    // One new tag, not one per attempt.
    expect((await git(['--git-dir', server.repoPath(), 'tag', '--list'])).split('\n').length).toBe(tagsBefore + 1);
    expect(rerun.alreadyOnServer).toBe(true);
  });

  it('a missing identity is a clear error before anything happens', async () => {
    const lang = await languageOrigin(baseFiles());
    const dev = await lang.clone('dev11');
    expect((await cli(['restore', TABLES], dev, server.env)).exitCode).toBe(0);
    await writeFile(join(await recordingsDir(dev, TABLES, server.env), 'tests/recordings/test_a.json'), 'x\n');
    await git(['config', '--unset', 'user.name'], { cwd: dev });
    await git(['config', '--unset', 'user.email'], { cwd: dev });
    const tagsBefore = await git(['--git-dir', server.repoPath(), 'tag', '--list']);
    const result = await import('@asset-sync/git-harness').then((t) => t.runCli(['push', TABLES], { cwd: dev, env: server.env, gitIdentity: false }));
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('no identity');
    expect(result.stderr).toContain('GIT_COMMIT_OWNER');
    expect(await git(['--git-dir', server.repoPath(), 'tag', '--list'])).toBe(tagsBefore);
    expect(existsSync(join(dev, '.assets/.asset-sync/push'))).toBe(false);
  });
});
