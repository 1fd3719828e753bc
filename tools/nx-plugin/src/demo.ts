import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { appendFile, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface DemoNxOptions {
  /** Where the demo's lines go; default stdout. */
  out?: (text: string) => void;
  /** The project `nx run <project>:restore` restores; default the first project with a restore target. */
  project?: string;
}

export interface DemoNxStep {
  /** The command as a user would type it, e.g. `nx run-many -t restore --batch`. */
  command: string;
  exitCode: number | null;
  /** stdout and stderr, interleaved as they came. */
  output: string;
  durationMs: number;
}

/**
 * The Nx part of the demo: makes `langRepoDir` an Nx workspace with this plugin (nx.json and a
 * package.json where there are none, node_modules linked to the one this plugin is installed in),
 * then shows `nx show projects`, `nx run <project>:restore` and `nx run-many -t restore --batch`.
 * The files it adds go to `.git/info/exclude`, so `git status` stays clean for the rest of the demo.
 * `env` is the environment the commands run with (the demo's, with its assets repo URL template).
 */
export async function demoNx(langRepoDir: string, env: NodeJS.ProcessEnv = process.env, options: DemoNxOptions = {}): Promise<DemoNxStep[]> {
  const out = options.out ?? ((text: string) => process.stdout.write(text));
  await makeNxWorkspace(langRepoDir);
  const nxEnv: NodeJS.ProcessEnv = { ...env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', NX_INTERACTIVE: 'false' };
  const steps: DemoNxStep[] = [];
  const run = async (args: string[], show = true): Promise<DemoNxStep> => {
    const step = await runNx(args, langRepoDir, nxEnv);
    steps.push(step);
    if (show) {
      // Nx pads its output with blank lines; one between blocks is enough here.
      const output = step.output.trim().replace(/\n\s*\n(\s*\n)+/g, '\n\n');
      out(`\n$ ${step.command}\n${output}\n(${(step.durationMs / 1000).toFixed(1)} s)\n`);
    }
    return step;
  };

  const listed = await run(['show', 'projects', '--with-target', 'restore', '--json'], false);
  const projects = listed.exitCode === 0 ? (JSON.parse(listed.output.slice(listed.output.indexOf('['))) as string[]).sort() : [];
  out(`\n$ nx show projects --with-target restore\n${projects.length} projects, one per assets.json: ${projects.slice(0, 6).join(', ')}${projects.length > 6 ? ', ...' : ''}\n`);
  const project = options.project ?? projects[0];
  if (project) await run(['run', `${project}:restore`]);
  await run(['run-many', '-t', 'restore', '--batch']);
  return steps;
}

/** nx.json with the plugin, a package.json, and node_modules, where the language repo has none. */
async function makeNxWorkspace(dir: string): Promise<void> {
  const added: string[] = [];
  if (!existsSync(join(dir, 'nx.json'))) {
    const nxJson = { $schema: './node_modules/nx/schemas/nx-schema.json', neverConnectToCloud: true, useDaemonProcess: false, plugins: ['@asset-sync/nx'] };
    await writeFile(join(dir, 'nx.json'), `${JSON.stringify(nxJson, null, 2)}\n`);
    added.push('/nx.json');
  }
  if (!existsSync(join(dir, 'package.json'))) {
    await writeFile(join(dir, 'package.json'), `${JSON.stringify({ name: 'language-repo', private: true }, null, 2)}\n`);
    added.push('/package.json');
  }
  if (!existsSync(join(dir, 'node_modules'))) {
    await symlink(nodeModulesDir(), join(dir, 'node_modules'), 'dir');
    added.push('/node_modules');
  }
  added.push('/.nx/');
  const exclude = join(dir, '.git', 'info', 'exclude');
  if (existsSync(join(dir, '.git'))) {
    await mkdir(dirname(exclude), { recursive: true });
    const current = existsSync(exclude) ? await readFile(exclude, 'utf8') : '';
    const missing = added.filter((line) => !current.split('\n').includes(line));
    if (missing.length > 0) await appendFile(exclude, `${current === '' || current.endsWith('\n') ? '' : '\n'}${missing.join('\n')}\n`);
  }
}

const require = createRequire(import.meta.url);

/** The node_modules folder nx (this plugin's peer) is installed in: it holds the plugin too. */
function nodeModulesDir(): string {
  return dirname(dirname(require.resolve('nx/package.json')));
}

function nxBin(): string {
  const packageJson = require.resolve('nx/package.json');
  const bin = (JSON.parse(readFileSync(packageJson, 'utf8')) as { bin: Record<string, string> }).bin['nx'] ?? 'dist/bin/nx.js';
  return join(dirname(packageJson), bin);
}

function runNx(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<DemoNxStep> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [nxBin(), ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ command: `nx ${args.join(' ')}`, exitCode, output, durationMs: Date.now() - started }));
  });
}
