import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, commitFiles, makeBareAssetsRepo, makeLanguageRepo, makeTempDir, normalizeOutput, removeTempDirs, startGitDaemon, type GitDaemon } from '@asset-sync/git-harness';
import { main, type Io } from './main.js';

// The CLI in-process: main(argv, io) against real repositories, every output compared whole.
// The tests run in order: restore first, then what reads what it restored.

const RECORDING = '{"Entries":[],"Variables":{"name":"cli"}}\n';
const assetsJson = (tag: string): string =>
  `${JSON.stringify({ AssetsRepo: 'Azure/azure-sdk-assets', AssetsRepoPrefixPath: 'python', TagPrefix: 'python/tables', Tag: tag }, null, 2)}\n`;

let daemon: GitDaemon;
let server: string;
let lang: string;
let savedEnv: NodeJS.ProcessEnv;

beforeAll(async () => {
  server = await makeTempDir('cli-server-');
  const repo = await makeBareAssetsRepo(server);
  await commitFiles(repo, { 'python/sdk/tables/tests/recordings/test_cli.json': RECORDING }, { tag: 'python/tables_0000000001' });
  daemon = await startGitDaemon(server);
  lang = await makeTempDir('cli-lang-');
  await makeLanguageRepo(lang, {
    files: {
      'sdk/tables/assets.json': assetsJson('python/tables_0000000001'),
      'sdk/broken/assets.json': `${JSON.stringify({ AssetsRepo: 'Azure/azure-sdk-assets', AssetsRepoPrefixPath: 'python', Tag: 42 }, null, 2)}\n`,
    },
  });
  // main() reads its settings and runs git with this process's environment, as the bin does.
  savedEnv = { ...process.env };
  process.env = cliEnv({ ASSET_SYNC_REMOTE_URL_TEMPLATE: daemon.urlTemplate, ASSET_SYNC_RETRY_BASE_MS: '10', ASSET_SYNC_NETWORK_ATTEMPTS: '1' });
});

afterAll(async () => {
  process.env = savedEnv;
  await daemon?.stop();
  await removeTempDirs();
});

interface Run {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in the language repo with an io that records what it prints. */
async function run(...argv: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io: Io = { out: (text) => void (stdout += text), err: (text) => void (stderr += text), interactive: false };
  const exitCode = await main(['-C', lang, ...argv], io);
  // A pack's size depends on the zlib git was built with.
  const normalize = (text: string): string => normalizeOutput(text, { tmpDirs: { '<lang>': lang, '<server>': server } }).replace(/\(\d+ B\)/g, '(<bytes>)');
  return { exitCode, stdout: normalize(stdout), stderr: normalize(stderr) };
}

describe('asset-sync in-process', () => {
  it('--help lists every command', async () => {
    expect(await run('--help')).toMatchInlineSnapshot(`
      {
        "exitCode": 0,
        "stderr": "",
        "stdout": "Usage: asset-sync [options] [command]

      Restores test recordings from an assets repo, and pushes new ones, for SDK
      language repos.

      Options:
        --json                                      print machine-readable JSON (default: false)
        --verbose                                   print stack traces and git commands (default: false)
        -C, --cwd <dir>                             run as if started in <dir>
        -h, --help                                  display help for command

      Commands:
        restore [options] [paths...]                restore the recordings of the assets.json governing PATH (default: the current directory), or of every package with --all
        plan [options] [paths...]                   print the restore plan: the checkouts that will exist, and which serves each assets.json and why
        locate [options] [path]                     print the directory to start the test-proxy in for the package governing PATH
        status [options] [paths...]                 pin, restored or not, up to date or not, and pending local changes
        push [options] [path]                       commit the package's pending recording changes to the assets repo, publish them, and write the new pin into its assets.json
        reset [options] [path]                      throw away the package's pending changes and return to its pinned content (asks first; --yes to skip)
        init [options] [dir]                        create an assets.json for a new package or service, copied from the nearest parent without its pin
        resolve [path]                              combine the two pins a git merge left in conflict markers in assets.json
        merge [options]                             nightly: fold every pin into one commit on the assets repo's fallback branch and repin each assets.json where its folder is identical
        gc [options]                                list assets-repo tags and auto/* branches no assets.json references on any language-repo ref; delete them with --delete
        cache-key [options]                         print a hash of each assets.json's package folder, assets repo, prefix and pin: a CI cache key for the store that changes exactly when a pin does
        restore-backup [options] <from> <names...>  bring refs gc deleted back into the assets repo from its backup (a bundle file or a remote), same names and commits
        adopt [options] [paths...]                  copy every pinned tag that exists only in a fork into the assets repo, same commit ids (needs write access)
        verify-pins [options] [paths...]            exit 1 naming every assets.json whose pin is not on the assets repo itself (the PR gate before a merge)
        grep [options] <pattern> [paths...]         search the recordings of every package at its pin, read from the store (nothing is checked out); exit 0 matched, 1 none, 2 error
        discover                                    list every assets.json with dialect, assets repo, prefix, pin and problems
        config                                      inspect configuration
        migrate [options]                           move every recordings folder of the language repo into the assets repo in one commit: plan, write, publish, pin, verify by a restore, then remove and stage
        help [command]                              display help for command
      ",
      }
    `);
  });

  it('restore restores one package and says what it fetched', async () => {
    expect(await run('restore', 'sdk/tables')).toMatchInlineSnapshot(`
      {
        "exitCode": 0,
        "stderr": "asset-sync: resolving pins
      asset-sync: fetching pins: 1 pins from Azure/azure-sdk-assets
      asset-sync: planning checkouts
      asset-sync: fetching recordings: Azure/azure-sdk-assets
      asset-sync: writing checkouts: 1 checkout
      asset-sync: recording state
      ",
        "stdout": "Restored 1 of 1 assets.json (1 checkout, <duration>)
        restored 1 · up to date 0 · pending changes kept 0 · failed 0
        fetched: pins in 1 request, 1 recordings in 1 request (<bytes>)
        restored     sdk/tables/assets.json -> <lang>/.assets/Azure/azure-sdk-assets/python
      ",
      }
    `);
  });

  it('status says it is restored, at its pin', async () => {
    expect(await run('status', 'sdk/tables')).toMatchInlineSnapshot(`
      {
        "exitCode": 0,
        "stderr": "",
        "stdout": "sdk/tables/assets.json: restored (pin python/tables_<sha10>)
      ",
      }
    `);
  });

  it('locate prints the folder to start the test-proxy in', async () => {
    expect(await run('locate', 'sdk/tables')).toMatchInlineSnapshot(`
      {
        "exitCode": 0,
        "stderr": "",
        "stdout": "<lang>/.assets/Azure/azure-sdk-assets/python
      ",
      }
    `);
  });

  it('plan --json prints the plan: nothing to write after the restore', async () => {
    expect(await run('--json', 'plan', 'sdk/tables')).toMatchInlineSnapshot(`
      {
        "exitCode": 0,
        "stderr": "",
        "stdout": "{
        "version": 2,
        "layout": "shared",
        "packages": [
          {
            "id": "sdk/tables/assets.json",
            "action": "unchanged",
            "assetsRepo": "Azure/azure-sdk-assets",
            "path": "python/sdk/tables",
            "prefix": "python",
            "pin": {
              "kind": "tag",
              "tag": "python/tables_<sha10>"
            },
            "pinText": "python/tables_<sha10>",
            "commit": "<sha>",
            "tree": "<sha>",
            "checkout": "Azure/azure-sdk-assets",
            "why": "python/sdk/tables already holds tree <short-sha> (Tag python/tables_<sha10>)"
          }
        ],
        "checkouts": [
          {
            "dir": "Azure/azure-sdk-assets",
            "assetsRepo": "Azure/azure-sdk-assets",
            "layout": "shared",
            "action": "unchanged",
            "grafts": [
              {
                "id": "sdk/tables/assets.json",
                "path": "python/sdk/tables",
                "tree": "<sha>"
              }
            ],
            "changing": [],
            "discard": []
          }
        ],
        "failures": [],
        "summary": {
          "requests": 1,
          "checkouts": 1,
          "changing": 0,
          "blocked": 0,
          "failed": 0,
          "distinctCommits": 1
        }
      }
      ",
      }
    `);
  });

  it('a usage error exits 2 with what was expected and what was found', async () => {
    expect(await run('restore', '--jobs', '0', 'sdk/tables')).toMatchInlineSnapshot(`
      {
        "exitCode": 2,
        "stderr": "error: --jobs must be a positive whole number, found "0"
      ",
        "stdout": "",
      }
    `);
  });

  it('an unknown option exits 2 with commander\'s message and the usage hint', async () => {
    expect(await run('status', '--bogus')).toMatchInlineSnapshot(`
      {
        "exitCode": 2,
        "stderr": "error: unknown option '--bogus'
      (run with --help for usage)
      ",
        "stdout": "",
      }
    `);
  });

  it('a bad assets.json names the file, the field, what was expected and what was found, with a hint', async () => {
    expect(await run('restore', 'sdk/broken')).toMatchInlineSnapshot(`
      {
        "exitCode": 1,
        "stderr": "asset-sync: resolving pins
      asset-sync: planning checkouts
      asset-sync: recording state
      ",
        "stdout": "Restored nothing: 1 of 1 assets.json failed (<duration>)
        restored 0 · up to date 0 · pending changes kept 0 · failed 1
        no network I/O
      failed (1):
        sdk/broken/assets.json: "Tag" must be a string, found number 42
          hint: set "Tag" to a tag printed by "asset-sync push", or "" if nothing was pushed yet
      ",
      }
    `);
  });

  it('discover lists every assets.json and exits 1 when one has problems', async () => {
    expect(await run('discover')).toMatchInlineSnapshot(`
      {
        "exitCode": 1,
        "stderr": "",
        "stdout": "sdk/broken/assets.json: INVALID
        sdk/broken/assets.json: "Tag" must be a string, found number 42
          hint: set "Tag" to a tag printed by "asset-sync push", or "" if nothing was pushed yet
      sdk/tables/assets.json: tag Azure/azure-sdk-assets prefix "python" pin python/tables_<sha10>
      2 assets.json, 1 with problems
      ",
      }
    `);
  });

  it('--json turns an error into { ok: false, error } on stdout', async () => {
    expect(await run('--json', 'restore', '--jobs', 'x', 'sdk/tables')).toMatchInlineSnapshot(`
      {
        "exitCode": 2,
        "stderr": "",
        "stdout": "{
        "ok": false,
        "error": {
          "code": "USAGE",
          "message": "--jobs must be a positive whole number, found \\"x\\""
        }
      }
      ",
      }
    `);
  });
});
