import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { isAssetSyncError } from '@asset-sync/errors';
import { git, makeLanguageRepo, makeTempDir } from '@asset-sync/git-harness';
import {
  commitStagedPaths,
  gitDirOf,
  ignoredPaths,
  originUrlOf,
  readGitConfig,
  readStaged,
  stageContent,
  stageDeletions,
  stageFiles,
  workingTreeChanges,
} from '@asset-sync/git-store';

/** The language repo's own git, against a real repository made the way fixtures are. */

let repo: string;
let head: string;

beforeEach(async () => {
  const made = await makeLanguageRepo(join(await makeTempDir('git-store-language-'), 'repo'), {
    files: { 'sdk/a/assets.json': '{}\n', 'sdk/a/tests/old.json': 'old\n', 'keep.txt': 'keep\n', '.gitignore': '*.log\n' },
    origin: 'https://github.com/Azure/azure-sdk-for-python.git',
  });
  repo = made.dir;
  head = made.head!;
});

describe('settings', () => {
  it('reads a setting, undefined when unset, and the origin URL', async () => {
    expect(await readGitConfig(repo, 'user.email')).toBe('asset-sync-test@example.invalid');
    expect(await readGitConfig(repo, 'asset-sync.nothing')).toBeUndefined();
    expect(await originUrlOf(repo)).toBe('https://github.com/Azure/azure-sdk-for-python.git');
    expect(await gitDirOf(repo)).toBe(join(repo, '.git'));
  });
});

describe('workingTreeChanges and ignoredPaths', () => {
  it('lists every uncommitted change by exact path, untracked files included and ignored ones not', async () => {
    await writeFile(join(repo, 'keep.txt'), 'changed\n');
    await rm(join(repo, 'sdk/a/tests/old.json'));
    await mkdir(join(repo, 'sdk/a/new dir'), { recursive: true });
    await writeFile(join(repo, 'sdk/a/new dir/ü -x.json'), 'new\n');
    await writeFile(join(repo, 'debug.log'), 'noise\n');
    await writeFile(join(repo, 'staged.txt'), 'staged\n');
    await git(['add', 'staged.txt'], { cwd: repo });
    const changes = await workingTreeChanges(repo);
    expect(changes.sort((a, b) => (a.path < b.path ? -1 : 1))).toEqual([
      { code: ' M', path: 'keep.txt' },
      { code: '??', path: 'sdk/a/new dir/ü -x.json' },
      { code: ' D', path: 'sdk/a/tests/old.json' },
      { code: 'A ', path: 'staged.txt' },
    ]);
    expect(await ignoredPaths(repo, ['debug.log', 'sdk/a/new dir/ü -x.json'])).toEqual(new Set(['debug.log']));
    expect(await ignoredPaths(repo, [])).toEqual(new Set());
  });
});

describe('staging and commitStagedPaths', () => {
  it('stages files and deletions by exact path, and commits only those paths, leaving other staged work staged', async () => {
    await writeFile(join(repo, 'sdk/a/assets.json'), '{"Tag":"x"}\n');
    await writeFile(join(repo, '-dash.json'), 'dash\n');
    await rm(join(repo, 'sdk/a/tests/old.json'));
    await writeFile(join(repo, 'keep.txt'), 'someone else\'s work\n');
    await git(['add', 'keep.txt'], { cwd: repo });

    await stageFiles(repo, ['sdk/a/assets.json', '-dash.json']);
    await stageDeletions(repo, ['sdk/a/tests/old.json', 'never/tracked.json']);
    const commit = await commitStagedPaths(repo, ['sdk/a/assets.json', '-dash.json', 'sdk/a/tests/old.json'], 'Move recordings to the assets repo');

    expect(await git(['rev-parse', 'HEAD'], { cwd: repo })).toBe(commit);
    expect(await git(['rev-parse', 'HEAD^'], { cwd: repo })).toBe(head);
    expect(await git(['diff', '--name-status', 'HEAD^', 'HEAD'], { cwd: repo })).toBe('A\t-dash.json\nM\tsdk/a/assets.json\nD\tsdk/a/tests/old.json');
    expect(await git(['log', '-1', '--format=%s'], { cwd: repo })).toBe('Move recordings to the assets repo');
    // The other staged change is still staged, and not in the commit.
    expect(await git(['status', '--porcelain'], { cwd: repo })).toBe('M  keep.txt');
  });

  it('puts content in the index without touching the file on disk, and reads it back', async () => {
    const oid = await stageContent(repo, 'sdk/a/assets.json', Buffer.from('{"staged":true}\n'));
    expect(oid).toBe(await git(['rev-parse', ':sdk/a/assets.json'], { cwd: repo }));
    expect((await readStaged(repo, 'sdk/a/assets.json'))?.toString()).toBe('{"staged":true}\n');
    expect(await git(['show', 'HEAD:sdk/a/assets.json'], { cwd: repo })).toBe('{}');
    expect(await readStaged(repo, 'not/there.json')).toBeUndefined();
  });

  it('refuses paths that climb out of the repo', async () => {
    const error = await stageFiles(repo, ['../outside.json']).catch((e: unknown) => e);
    expect(isAssetSyncError(error, 'GIT_FAILED')).toBe(true);
  });
});
