import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs, stripVTControlCharacters } from 'node:util';
import { formatBytes, plural, redact } from '@asset-sync/errors';
import { removeTempDir, workspaceRoot, type GitDaemon } from '@asset-sync/git-harness';
import { demoEnv, runCliCaptured, runCliInherited, stopRunningCli } from './cli.js';
import { buildSample, makeSampleDir, type Sample } from './sample.js';

const USAGE = `Usage: npm run demo -- [--keep]

Builds a sample language repo and assets repo, serves the assets repo with git daemon on
127.0.0.1, and shows asset-sync restoring every package in one pass.

  --keep      keep the temp dir (language repo, assets repo, restored recordings) to look around
  -h, --help  this text`;

const say = (text = ''): void => {
  process.stdout.write(`${text}\n`);
};
/** Explanations and tool output sit indented under their step's title. */
const indent = (text: string, by = 6): string =>
  text
    .split('\n')
    .map((line) => (line === '' ? line : `${' '.repeat(by)}${line}`))
    .join('\n');

interface Step {
  title: string;
  /** What the step shows, in a sentence or two. */
  why: string;
  run: (sample: Sample) => Promise<'ok' | 'failed' | 'skipped'>;
}

/**
 * `npm run demo`: build the sample, run each step, always stop the daemon. Returns the exit code:
 * 0 when every step passed (skipped ones included), 1 otherwise.
 */
export async function runDemo(argv: string[]): Promise<number> {
  let values: { keep?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({ args: argv, options: { keep: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (error) {
    process.stderr.write(`demo: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    say(USAGE);
    return 0;
  }
  const keep = values.keep === true;
  const started = performance.now();
  const dir = await makeSampleDir(keep);
  let daemon: GitDaemon | undefined;
  const cleanUp = async (): Promise<void> => {
    if (daemon) {
      await daemon.stop();
      say(`stopped git daemon (pid ${daemon.pid})`);
      daemon = undefined;
    }
    if (keep) say(`kept ${dir}`);
    else await (existsSync(dir) ? removeTempDir(dir) : Promise.resolve());
  };
  // Ctrl-C reaches the CLI child too (same process group); the daemon must not outlive us.
  const onSignal = (signal: NodeJS.Signals): void => {
    say(`\ninterrupted (${signal}): cleaning up`);
    void stopRunningCli(signal)
      .then(cleanUp)
      .finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const failed: string[] = [];
  try {
    say('asset-sync demo: a language repo and an assets repo with history, served by git daemon on loopback');
    say(`  temp dir:      ${dir}${keep ? ' (kept: --keep)' : ' (removed at the end; --keep keeps it)'}`);
    const sample = await buildSample(dir, (started) => {
      daemon = started;
    });
    describeSample(sample, started);
    failed.push(...(await runSteps(sample, demoSteps())));
  } catch (error) {
    say(`demo: could not build the sample: ${redact(error instanceof Error ? error.message : String(error))}`);
    failed.push('build the sample');
  } finally {
    say();
    await cleanUp();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (failed.length > 0) {
    say(`demo failed after ${seconds} s: ${failed.join('; ')}`);
    return 1;
  }
  say(`demo finished in ${seconds} s`);
  return 0;
}

function describeSample(sample: Sample, started: number): void {
  const m = sample.manifest;
  const recordings = m.packages.reduce((sum, pkg) => sum + pkg.files, 0);
  const languages = [...new Set(m.packages.map((pkg) => pkg.language))].join(', ');
  say(`  language repo: ${sample.languageRepo} (${m.packages.length} assets.json: ${languages})`);
  say(`  assets repo:   ${sample.url}, ${m.stats.commits} commits, ${m.stats.tags} tags, ${recordings} recordings at the pins`);
  say(`  git daemon:    pid ${sample.daemon.pid}, port ${sample.daemon.port}`);
  say(`  sample built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

/** Runs each step in turn, whatever the one before did; returns the titles of those that failed. */
async function runSteps(sample: Sample, steps: Step[]): Promise<string[]> {
  const failed: string[] = [];
  for (const [index, step] of steps.entries()) {
    say();
    say(`[${index + 1}/${steps.length}] ${step.title}`);
    say(indent(step.why));
    let outcome: 'ok' | 'failed' | 'skipped';
    try {
      outcome = await step.run(sample);
    } catch (error) {
      say(indent(`error: ${redact(error instanceof Error ? error.message : String(error))}`));
      outcome = 'failed';
    }
    if (outcome === 'failed') failed.push(step.title);
  }
  return failed;
}

function demoSteps(): Step[] {
  return [
    {
      title: 'asset-sync restore --all',
      why:
        'Restores every package of the language repo in one pass: one fetch for the pins, one for the\n' +
        'recordings, then one checkout per assets repo holding every package folder at its own pin.',
      run: async (sample) => ((await runCliInherited(['restore', '--all'], sample.languageRepo, demoEnv(sample.daemon.urlTemplate))) === 0 ? 'ok' : 'failed'),
    },
    {
      title: 'asset-sync locate',
      why: 'The folder to start the test-proxy in for one package; its recordings sit below it at the package path.',
      run: showLocate,
    },
    {
      title: 'asset-sync status',
      why: 'The pin of that package, whether it is restored and up to date, and any local changes not pushed yet.',
      run: async (sample) => {
        const dir = join(sample.languageRepo, sample.showcase.packagePath);
        say(indent(`(in ${sample.showcase.packagePath})`));
        const result = await runCliCaptured(['status'], dir, sample.daemon.urlTemplate);
        say(indent((result.stdout + result.stderr).trimEnd()));
        return result.exitCode === 0 ? 'ok' : 'failed';
      },
    },
    {
      title: 'asset-sync plan --all (in short)',
      why:
        'Which checkouts serve which packages: a package shares a checkout when its recordings at its own pin\n' +
        'are identical there, so a few checkouts serve every package.',
      run: showPlan,
    },
    {
      title: 'nx run <package>:restore and nx run-many -t restore --batch',
      why: 'The same restore through the Nx plugin: one package as an Nx target, then every package in one batch.',
      run: runNxDemo,
    },
  ];
}

async function showLocate(sample: Sample): Promise<'ok' | 'failed'> {
  const pkg = sample.showcase;
  say(indent(`(in ${pkg.packagePath})`));
  const result = await runCliCaptured(['locate'], join(sample.languageRepo, pkg.packagePath), sample.daemon.urlTemplate);
  const located = result.stdout.trim();
  if (result.exitCode !== 0 || located === '') {
    say(indent((result.stdout + result.stderr).trimEnd()));
    return 'failed';
  }
  say(indent(`→ ${located}`));
  const recordings = join(located, pkg.packagePath);
  const files = (await readdir(recordings, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name).slice(recordings.length + 1))
    .sort();
  say(indent(`${files.length} recordings in ${recordings}, for example:`));
  for (const file of files.slice(0, 4)) {
    const size = (await stat(join(recordings, file))).size;
    say(indent(`${file}  (${formatBytes(size)})`, 8));
  }
  return files.length === pkg.files ? 'ok' : 'failed';
}

interface PlanJson {
  checkouts: Array<{ dir: string; action: string; grafts: unknown[] }>;
  packages: Array<{ id: string; action: string; checkout?: string; commit?: string }>;
  failures: unknown[];
}

async function showPlan(sample: Sample): Promise<'ok' | 'failed'> {
  const result = await runCliCaptured(['plan', '--all', '--json'], sample.languageRepo, sample.daemon.urlTemplate);
  let plan: PlanJson;
  try {
    plan = JSON.parse(result.stdout) as PlanJson;
  } catch {
    say(indent((result.stdout + result.stderr).trimEnd()));
    return 'failed';
  }
  const pins = new Set(sample.manifest.packages.map((pkg) => pkg.commit).filter(Boolean)).size;
  say(indent(`${plan.packages.length} assets.json (${pins} distinct pinned commits) served by ${plural(plan.checkouts.length, 'checkout')}:`));
  for (const checkout of plan.checkouts) {
    const actions = new Map<string, number>();
    for (const p of plan.packages.filter((x) => x.checkout === checkout.dir)) actions.set(p.action, (actions.get(p.action) ?? 0) + 1);
    const why = [...actions].map(([action, count]) => `${count} ${action}`).join(', ');
    say(indent(`.assets/${checkout.dir}: ${checkout.grafts.length} package folders, each at its own pin (${why})`, 8));
  }
  return result.exitCode === 0 && plan.failures.length === 0 ? 'ok' : 'failed';
}

// ---------------------------------------------------------------------------------------------
// The Nx step: `demoNx` from tools/nx-plugin/dist/demo.js (source: tools/nx-plugin/src/demo.ts)
// makes the sample an Nx workspace and runs `nx run <project>:restore` and
// `nx run-many -t restore --batch`. It is loaded dynamically so the demo builds and runs without
// the plugin; when it is absent the step is skipped with a note.
// ---------------------------------------------------------------------------------------------

/** The shape of `demoNx` the demo calls (see tools/nx-plugin/src/demo.ts). */
type DemoNx = (
  languageRepo: string,
  env: NodeJS.ProcessEnv,
  options: { out?: (text: string) => void },
) => Promise<Array<{ command: string; exitCode: number | null }>>;

/**
 * Nx's output without runs of blank lines, its long lists cut to their ends, and without colour
 * when this is not a terminal (Nx colours its output in CI).
 */
function abridge(text: string, keep = 6): string {
  const plain = process.stdout.isTTY && process.env['NO_COLOR'] === undefined ? text : stripVTControlCharacters(text);
  const lines = plain.replace(/\n{3,}/g, '\n\n').replace(/^\n+|\s+$/g, '').split('\n');
  if (lines.length <= 2 * keep + 2) return lines.join('\n');
  return [...lines.slice(0, keep), `  ... (${lines.length - 2 * keep} more lines)`, ...lines.slice(-keep)].join('\n');
}

async function runNxDemo(sample: Sample): Promise<'ok' | 'failed' | 'skipped'> {
  const path = join(workspaceRoot(), 'tools', 'nx-plugin', 'dist', 'demo.js');
  const module = existsSync(path) ? ((await import(pathToFileURL(path).href)) as { demoNx?: DemoNx }) : {};
  if (typeof module.demoNx !== 'function') {
    say(indent(`skipped: ${path} does not export demoNx (build tools/nx-plugin)`));
    return 'skipped';
  }
  const steps = await module.demoNx(sample.languageRepo, demoEnv(sample.daemon.urlTemplate), {
    out: (text) => say(indent(abridge(text))),
  });
  const failed = steps.filter((step) => step.exitCode !== 0);
  for (const step of failed) say(indent(`failed: ${step.command} (exit ${step.exitCode ?? 'signal'})`));
  return failed.length === 0 && steps.length > 0 ? 'ok' : 'failed';
}

// Run only as the entry point (`node tools/demo/dist/main.js`), not when imported.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await runDemo(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`demo: ${redact(error instanceof Error ? error.message : String(error))}\n`);
    return 1;
  });
}

