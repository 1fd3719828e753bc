import { beforeAll, describe, expect, it } from 'vitest';
import type { CreateNodesContextV2, CreateNodesResult, ProjectConfiguration } from '@nx/devkit';
import { makeLanguageRepo, makeTempDir } from '@asset-sync/git-harness';
import { createNodes, createNodesV2, type AssetSyncPluginOptions } from './plugin.js';

const assetsJson = (tag: string): string =>
  `${JSON.stringify({ AssetsRepo: 'Azure/azure-sdk-assets', AssetsRepoPrefixPath: 'python', TagPrefix: tag.split('_')[0], Tag: tag }, null, 2)}\n`;

const FILES: Record<string, string> = {
  'sdk/tables/assets.json': assetsJson('python/tables_0123456789'),
  'sdk/tables/azure-data-tables/assets.json': assetsJson('python/tables/azure-data-tables_0123456789'),
  'sdk/alpha/tests/assets.json': assetsJson('python/alpha_0123456789'),
  'sdk/beta/tests/assets.json': assetsJson('python/beta_0123456789'),
  'sdk/js/data-tables/assets.json': assetsJson('js/data-tables_0123456789'),
  'sdk/js/data-tables/package.json': '{ "name": "@azure/data-tables" }\n',
  'sdk/proj/thing/assets.json': assetsJson('python/thing_0123456789'),
  'sdk/proj/thing/project.json': '{ "name": "thing-from-project-json" }\n',
  // A package.json without a name makes no project: the plugin names the folder.
  'sdk/unnamed/pkg/assets.json': assetsJson('python/pkg_0123456789'),
  'sdk/unnamed/pkg/package.json': '{ "private": true }\n',
  'sdk/broken/assets.json': '{ "AssetsRepo": "Azure/azure-sdk-assets", "Tag": 42 ',
  'sdk/tables/azure-data-tables/tests/test_a.py': 'def test_a(): pass\n',
};

let workspaceRoot: string;
const context = (): CreateNodesContextV2 => ({ workspaceRoot, nxJsonConfiguration: {} });
const configFiles = (): string[] => [
  ...Object.keys(FILES).filter((f) => f.endsWith('/assets.json')),
  // Nx's glob would offer these too; the default exclude leaves them out.
  'node_modules/some-package/assets.json',
  '.assets/Azure/azure-sdk-assets/0123456789ab/python/assets.json',
];

async function projectsOf(options?: AssetSyncPluginOptions, files = configFiles()): Promise<Record<string, ProjectConfiguration>> {
  const results = await createNodesV2[1](files, options, context());
  const projects: Record<string, ProjectConfiguration> = {};
  for (const [, result] of results as Array<readonly [string, CreateNodesResult]>) {
    for (const [root, project] of Object.entries(result.projects ?? {})) projects[root] = { root, ...project } as ProjectConfiguration;
  }
  return projects;
}

beforeAll(async () => {
  workspaceRoot = await makeTempDir('nx-plugin-');
  await makeLanguageRepo(workspaceRoot, { files: FILES });
});

describe('createNodesV2', () => {
  it('matches assets.json files and is exported as createNodes too', () => {
    expect(createNodesV2[0]).toBe('**/assets.json');
    expect(createNodes).toBe(createNodesV2);
  });

  it('makes one project per assets.json folder, nested ones included, named after the folder', async () => {
    const projects = await projectsOf();
    expect(Object.keys(projects).sort()).toEqual([
      'sdk/alpha/tests',
      'sdk/beta/tests',
      'sdk/broken',
      'sdk/js/data-tables',
      'sdk/proj/thing',
      'sdk/tables',
      'sdk/tables/azure-data-tables',
      'sdk/unnamed/pkg',
    ]);
    expect(projects['sdk/tables']!.name).toBe('tables');
    expect(projects['sdk/tables/azure-data-tables']!.name).toBe('azure-data-tables');
    expect(projects['sdk/unnamed/pkg']!.name).toBe('pkg');
    expect(projects['sdk/broken']!.name).toBe('broken');
  });

  it('disambiguates folders that share a basename with their service', async () => {
    const projects = await projectsOf();
    expect(projects['sdk/alpha/tests']!.name).toBe('alpha-tests');
    expect(projects['sdk/beta/tests']!.name).toBe('beta-tests');
  });

  it('adds the targets to a folder that is already a project, leaving its name to Nx', async () => {
    const projects = await projectsOf();
    expect(projects['sdk/js/data-tables']!.name).toBeUndefined();
    expect(projects['sdk/proj/thing']!.name).toBeUndefined();
    expect(Object.keys(projects['sdk/js/data-tables']!.targets ?? {}).sort()).toEqual(['locate', 'push', 'reset', 'restore', 'status']);
  });

  it('gives every target a description, and runs restore through the executor and the rest through the CLI', async () => {
    const project = (await projectsOf())['sdk/tables/azure-data-tables']!;
    const targets = project.targets ?? {};
    expect(Object.keys(targets).sort()).toEqual(['locate', 'push', 'reset', 'restore', 'status']);
    for (const [name, target] of Object.entries(targets)) {
      expect(target.metadata?.description, name).toMatch(/\w{3,}/);
      // Nothing here is an output Nx could replay: the state lives in the store and checkouts.
      expect(target.cache, name).toBe(false);
    }
    expect(targets['restore']!.executor).toBe('@asset-sync/nx:restore');
    expect(targets['restore']!.metadata?.description).toContain('sdk/tables/azure-data-tables/assets.json');
    expect(targets['push']!.command).toBe('asset-sync push {projectRoot}');
    expect(targets['push']!.parallelism).toBe(false);
    expect(targets['reset']!.command).toBe('asset-sync reset {projectRoot}');
    expect(targets['status']!.command).toBe('asset-sync status {projectRoot}');
    expect(targets['locate']!.command).toBe('asset-sync locate {projectRoot}');
    expect(project.metadata?.['assetSync']).toEqual({
      assetsJson: 'sdk/tables/azure-data-tables/assets.json',
      assetsRepo: 'Azure/azure-sdk-assets',
      pin: 'python/tables/azure-data-tables_0123456789',
    });
  });

  it('still makes the project of a broken assets.json, with the problems the CLI reports', async () => {
    const broken = (await projectsOf())['sdk/broken']!;
    expect(Object.keys(broken.targets ?? {})).toContain('restore');
    const problems = (broken.metadata?.['assetSync'] as { problems?: string[] }).problems ?? [];
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]).toMatch(/^sdk\/broken\/assets\.json:\d+:\d+: not valid JSON/);
  });

  it('takes every target name as an option', async () => {
    const project = (await projectsOf({
      restoreTargetName: 'assets-restore',
      pushTargetName: 'assets-push',
      resetTargetName: 'assets-reset',
      statusTargetName: 'assets-status',
      locateTargetName: 'assets-locate',
    }))['sdk/tables']!;
    expect(Object.keys(project.targets ?? {}).sort()).toEqual(['assets-locate', 'assets-push', 'assets-reset', 'assets-restore', 'assets-status']);
    expect(project.metadata?.targetGroups?.['asset-sync']).toHaveLength(5);
  });

  it('keeps only the files include matches and exclude does not', async () => {
    const projects = await projectsOf({ include: ['sdk/tables/**'], exclude: ['**/azure-data-tables/**'] });
    expect(Object.keys(projects)).toEqual(['sdk/tables']);
    // With include alone, the default exclude still applies.
    const everything = await projectsOf({ include: ['**/assets.json'] });
    expect(Object.keys(everything)).not.toContain('node_modules/some-package');
    // An empty exclude lets node_modules in.
    const all = await projectsOf({ exclude: [] }, ['node_modules/some-package/assets.json']);
    expect(Object.keys(all)).toEqual(['node_modules/some-package']);
  });
});
