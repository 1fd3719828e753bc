import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { bundle } from './bundle.js';
import { copyDeclarations } from './declarations.js';
import { runtimeDependencies } from './dependencies.js';
import { PACKAGES, type PackageSpec } from './specs.js';
import { internalDependencies, mainEntry, packageNamed, readWorkspace, shortName, type Workspace } from './workspace.js';

export interface PackOptions {
  /** The workspace root. */
  root: string;
  /** Where the tarballs go (and, under `.stage/`, the folders they are packed from). */
  outDir: string;
  /** Default: the CLI and the Nx plugin. */
  specs?: readonly PackageSpec[];
}

export interface PackedPackage {
  name: string;
  version: string;
  /** Absolute path of the tarball. */
  tarball: string;
  /** Size of the tarball, and of its contents. */
  bytes: number;
  unpackedBytes: number;
  files: number;
  dependencies: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

/** Packs each package from the workspace's build (`npm run build` first) into `outDir`. */
export async function packPackages(options: PackOptions): Promise<PackedPackage[]> {
  const workspace = await readWorkspace(options.root);
  await mkdir(options.outDir, { recursive: true });
  const packed: PackedPackage[] = [];
  for (const spec of options.specs ?? PACKAGES) packed.push(await packOne(workspace, spec, options.outDir));
  return packed;
}

async function packOne(workspace: Workspace, spec: PackageSpec, outDir: string): Promise<PackedPackage> {
  const pkg = packageNamed(workspace, spec.name);
  const stage = join(outDir, '.stage', spec.name.replace('/', '+'));
  await rm(stage, { recursive: true, force: true });
  await mkdir(stage, { recursive: true });

  const libs = spec.providesInternals ? internalDependencies(workspace, spec.name) : [];
  const entries: Record<string, string> = {};
  for (const [name, file] of Object.entries(spec.entries)) entries[name] = join(pkg.dir, file);
  for (const lib of libs) entries[`internal/${shortName(lib.name)}`] = mainEntry(lib).module;
  for (const file of Object.values(entries)) {
    if (!existsSync(file)) throw new Error(`${file} does not exist: run npm run build first`);
  }
  const imported = await bundle({ entries, outDir: join(stage, 'dist'), ...(spec.internalFrom ? { internalFrom: spec.internalFrom } : {}) });
  const trees = new Map<string, string>([[spec.name, 'dist'], ...libs.map((lib): [string, string] => [lib.name, `dist/internal/${shortName(lib.name)}`])]);
  await copyDeclarations({ workspace, stageDir: stage, trees, ...(spec.internalFrom ? { internalFrom: spec.internalFrom } : {}) });
  for (const path of spec.copy) await copyShipped(join(pkg.dir, path), join(stage, path));
  await cp(join(workspace.root, spec.readme), join(stage, 'README.md'));

  const manifest = {
    name: pkg.name,
    version: pkg.manifest.version,
    description: pkg.manifest.description,
    type: 'module',
    ...(workspace.manifest.engines ? { engines: workspace.manifest.engines } : {}),
    ...spec.fields(pkg),
    files: [...new Set(['dist', ...spec.copy.map((path) => path.split('/')[0]!)])],
    dependencies: runtimeDependencies(workspace, imported, [pkg, ...libs]),
  };
  await writeFile(join(stage, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return { ...(await npmPack(stage, outDir)), dependencies: manifest.dependencies, ...peersOf(manifest) };
}

/** A file or folder as it ships: built JavaScript loses the pointer to a source map that is not shipped. */
async function copyShipped(from: string, to: string): Promise<void> {
  await cp(from, to, { recursive: true });
  if (/\.[cm]?js$/.test(to)) {
    const text = await readFile(to, 'utf8');
    await writeFile(to, text.replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, '\n'));
  }
}

function peersOf(manifest: Record<string, unknown>): { peerDependencies?: Record<string, string> } {
  const peers = manifest['peerDependencies'] as Record<string, string> | undefined;
  return peers ? { peerDependencies: peers } : {};
}

const run = promisify(execFile);

/** `npm pack` of the staged folder; npm decides the tarball's name and contents from its package.json. */
async function npmPack(stage: string, outDir: string): Promise<Omit<PackedPackage, 'dependencies' | 'peerDependencies'>> {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const { stdout } = await run(npm, ['pack', '--json', '--pack-destination', outDir], { cwd: stage, maxBuffer: 64 * 1024 * 1024 });
  const [result] = JSON.parse(stdout) as Array<{ name: string; version: string; filename: string; size: number; unpackedSize: number; entryCount: number }>;
  if (!result) throw new Error(`npm pack printed no result in ${stage}`);
  return {
    name: result.name,
    version: result.version,
    tarball: join(outDir, result.filename),
    bytes: result.size,
    unpackedBytes: result.unpackedSize,
    files: result.entryCount,
  };
}
