import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ExecutorContext, TaskGraph } from '@nx/devkit';
import type { RestoreReport } from '@asset-sync/executor';
import { commitFiles, makeBareAssetsRepo, makeLanguageRepo, makeTempDir, startGitDaemon, type GitDaemon } from '@asset-sync/git-harness';
import { batchRestoreExecutor, restoreExecutor, restoreTasks, type BatchTaskResult, type RestoreTask } from './restore-executor.js';

const ASSETS_REPO = 'Azure/azure-sdk-assets';
const tagJson = (tagPrefix: string, tag: string): string =>
  `${JSON.stringify({ AssetsRepo: ASSETS_REPO, AssetsRepoPrefixPath: 'python', TagPrefix: tagPrefix, Tag: tag }, null, 2)}\n`;
const BROKEN = '{ "AssetsRepo": "Azure/azure-sdk-assets", "Tag": 42 ';

let daemon: GitDaemon;
let env: NodeJS.ProcessEnv;
let tag: string;

/** A language repo with three packages pinned to one tag, and one broken assets.json. */
async function languageRepo(): Promise<string> {
  const dir = await makeTempDir('nx-restore-lang-');
  await makeLanguageRepo(dir, {
    files: {
      '.gitignore': '.assets/\n',
      'sdk/tables/azure-data-tables/assets.json': tagJson('python/tables/azure-data-tables', tag),
      'sdk/storage/azure-storage-blob/assets.json': tagJson('python/storage/azure-storage-blob', tag),
      'sdk/storage/azure-storage-queue/assets.json': tagJson('python/storage/azure-storage-queue', tag),
      'sdk/broken/azure-broken/assets.json': BROKEN,
    },
  });
  return dir;
}

const task = (projectRoot: string): RestoreTask => ({ id: `${projectRoot.split('/').pop()!}:restore`, projectRoot, options: {} });
const TASKS = ['sdk/tables/azure-data-tables', 'sdk/storage/azure-storage-blob', 'sdk/storage/azure-storage-queue', 'sdk/broken/azure-broken'].map(task);

async function collect(results: AsyncIterable<BatchTaskResult>): Promise<Map<string, BatchTaskResult['result']>> {
  const byTask = new Map<string, BatchTaskResult['result']>();
  for await (const { task, result } of results) {
    expect(byTask.has(task), `${task} reported twice`).toBe(false);
    byTask.set(task, result);
  }
  return byTask;
}

beforeAll(async () => {
  const server = await makeTempDir('nx-restore-server-');
  const repo = await makeBareAssetsRepo(server, ASSETS_REPO);
  tag = 'python/shared_0000000001';
  await commitFiles(
    repo,
    {
      'python/sdk/tables/azure-data-tables/tests/recordings/test_a.json': '{"Entries":[]}\n',
      'python/sdk/storage/azure-storage-blob/tests/recordings/test_b.json': '{"Entries":[1]}\n',
      'python/sdk/storage/azure-storage-queue/tests/recordings/test_q.json': '{"Entries":[2]}\n',
    },
    { tag },
  );
  daemon = await startGitDaemon(server);
  env = { ...process.env, ASSET_SYNC_REMOTE_URL_TEMPLATE: daemon.urlTemplate };
});

afterAll(async () => {
  await daemon?.stop();
});

describe('restoreTasks', () => {
  it('restores every task in one plan and one fetch, and fails only the broken one, with the CLI message', async () => {
    const root = await languageRepo();
    const reports: RestoreReport[] = [];
    daemon.clearLog();
    const results = await collect(restoreTasks(root, TASKS, { env, onReport: (r) => void reports.push(r) }));

    expect([...results.keys()].sort()).toEqual(TASKS.map((t) => t.id).sort());
    expect(reports).toHaveLength(1);
    const report = reports[0]!;
    expect(report.packages).toHaveLength(4);
    expect(report.network.pinFetches).toBe(1);
    expect(report.network.objectFetches).toBe(1);
    expect(await daemon.countRequests('upload-pack', ASSETS_REPO)).toBe(2);

    for (const t of TASKS.slice(0, 3)) {
      const result = results.get(t.id)!;
      expect(result.success, result.terminalOutput).toBe(true);
      const locate = /^restored \S+ -> (\S+)$/m.exec(result.terminalOutput)?.[1];
      expect(locate, result.terminalOutput).toBeDefined();
      expect(existsSync(join(locate!, t.projectRoot))).toBe(true);
    }
    const blob = /-> (\S+)/.exec(results.get('azure-storage-blob:restore')!.terminalOutput)![1]!;
    expect(await readFile(join(blob, 'sdk/storage/azure-storage-blob/tests/recordings/test_b.json'), 'utf8')).toBe('{"Entries":[1]}\n');

    const broken = results.get('azure-broken:restore')!;
    expect(broken.success).toBe(false);
    const failure = report.packages.find((p) => p.id === 'sdk/broken/azure-broken/assets.json')!;
    expect(failure.status).toBe('failed');
    expect(broken.terminalOutput).toContain(`failed sdk/broken/azure-broken/assets.json`);
    expect(broken.terminalOutput).toContain(failure.error!.message);
    expect(broken.terminalOutput).toContain(`hint: ${failure.error!.hint}`);
    expect(failure.error!.message).toMatch(/^sdk\/broken\/azure-broken\/assets\.json:\d+:\d+: not valid JSON/);
  });

  it('runs one restore per distinct set of options', async () => {
    const root = await languageRepo();
    const reports: RestoreReport[] = [];
    const tasks = [task('sdk/tables/azure-data-tables'), { ...task('sdk/storage/azure-storage-blob'), options: { dryRun: true } }];
    const results = await collect(restoreTasks(root, tasks, { env, onReport: (r) => void reports.push(r) }));
    expect(reports.map((r) => r.dryRun).sort()).toEqual([false, true]);
    expect(results.get('azure-data-tables:restore')!.terminalOutput).toMatch(/^restored /);
    expect(results.get('azure-storage-blob:restore')!.terminalOutput).toMatch(/^would-restore /);
  });

  it('fails every task with the reason when the run as a whole cannot start', async () => {
    const notARepo = await makeTempDir('nx-restore-norepo-');
    const results = await collect(restoreTasks(notARepo, TASKS.slice(0, 2), { env }));
    expect(results.size).toBe(2);
    for (const result of results.values()) {
      expect(result.success).toBe(false);
      expect(result.terminalOutput).toContain('is not inside a git repository');
      expect(result.terminalOutput).toContain('hint:');
    }
  });
});

describe('Nx executors', () => {
  const contextFor = (root: string, projects: Record<string, string>, projectName?: string): ExecutorContext =>
    ({
      root,
      cwd: root,
      isVerbose: false,
      ...(projectName ? { projectName, targetName: 'restore' } : {}),
      projectsConfigurations: { version: 2, projects: Object.fromEntries(Object.entries(projects).map(([name, r]) => [name, { root: r }])) },
      nxJsonConfiguration: {},
      projectGraph: { nodes: {}, dependencies: {} },
    }) as ExecutorContext;

  it('the batch implementation takes the task graph and yields a result per task, the last with the summary', async () => {
    vi.stubEnv('ASSET_SYNC_REMOTE_URL_TEMPLATE', daemon.urlTemplate);
    const root = await languageRepo();
    const projects = { tables: 'sdk/tables/azure-data-tables', blob: 'sdk/storage/azure-storage-blob' };
    const taskGraph = {
      roots: ['tables:restore', 'blob:restore'],
      dependencies: { 'tables:restore': [], 'blob:restore': [] },
      continuousDependencies: {},
      tasks: Object.fromEntries(
        Object.entries(projects).map(([name, projectRoot]) => [
          `${name}:restore`,
          { id: `${name}:restore`, target: { project: name, target: 'restore' }, overrides: {}, outputs: [], parallelism: true, projectRoot },
        ]),
      ),
    } as unknown as TaskGraph;
    try {
      const order: string[] = [];
      const results = new Map<string, BatchTaskResult['result']>();
      for await (const { task, result } of await batchRestoreExecutor(taskGraph, { 'tables:restore': {}, 'blob:restore': {} }, {}, contextFor(root, projects))) {
        order.push(task);
        results.set(task, result);
      }
      expect([...order].sort()).toEqual(['blob:restore', 'tables:restore']);
      expect([...results.values()].every((r) => r.success)).toBe(true);
      const summaries = order.filter((t) => /one plan for 2 assets\.json, 1 checkout .*pins in 1 request/.test(results.get(t)!.terminalOutput));
      expect(summaries).toEqual([order[order.length - 1]]);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('the single-task executor restores one project and fails on a broken assets.json', async () => {
    vi.stubEnv('ASSET_SYNC_REMOTE_URL_TEMPLATE', daemon.urlTemplate);
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const root = await languageRepo();
      const projects = { tables: 'sdk/tables/azure-data-tables', broken: 'sdk/broken/azure-broken' };
      expect(await restoreExecutor({}, contextFor(root, projects, 'tables'))).toEqual({ success: true });
      expect(await restoreExecutor({}, contextFor(root, projects, 'broken'))).toEqual({ success: false });
      const printed = write.mock.calls.map((c) => String(c[0])).join('');
      expect(printed).toContain('restored sdk/tables/azure-data-tables/assets.json -> ');
      expect(printed).toContain('failed sdk/broken/azure-broken/assets.json');
      expect(printed.match(/^asset-sync: one plan for 1 assets\.json/gm)).toHaveLength(2);
    } finally {
      write.mockRestore();
      vi.unstubAllEnvs();
    }
  });
});
