import { createCipheriv, createHash } from 'node:crypto';
import { cp, mkdir, readFile, rm } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import {
  commitFiles,
  git,
  makeBareAssetsRepo,
  makeLanguageRepo,
  makeTempDir,
  removeTempDir,
  runCli,
  startGitDaemon,
  type GitDaemon,
} from '@asset-sync/git-harness';
import { Prng, drawRecordingSize } from '@asset-sync/corpus';
import { derivedTagPrefix, tagNameOf } from '@asset-sync/assets-json';
import { formatBytes } from '@asset-sync/errors';
import { STEPS, type MigrationReport, type Step } from '@asset-sync/migrate';

/**
 * The migration benchmark: a language repo shaped like azure-sdk-for-java's storage service
 * (4,693 session records, 666 MB, the case production took about 7 minutes for), migrated with
 * the built CLI to an assets repo served by git daemon on loopback, verification included; and
 * the production per-package sequence (copy, add, commit, tag, push for each package) timed on a
 * slice of the same files and extrapolated by bytes. `npm run bench -- --migrate` runs it.
 */

export interface BenchMigrateOptions {
  /** Scratch folder (created); default a temp dir. Everything in it is removed at the end. */
  workDir?: string;
  /** Recordings in the language repo; default 4,693 (470 with quick). */
  files?: number;
  /** Their total size; default 666 MB (66.6 MB with quick). */
  bytes?: number;
  /** Files the per-package sequence is timed on (whole packages, smallest first); default a tenth. */
  sliceFiles?: number;
  seed?: string | number;
  /** A tenth of the size, for a quick look. */
  quick?: boolean;
  log?: (line: string) => void;
  /** Accepted from `npm run bench` (the restore corpus's size); the Java storage case does not use them. */
  packages?: number;
  recordings?: number;
}

export interface BenchMigrateResult {
  files: number;
  bytes: number;
  packages: number;
  /** Wall time of `asset-sync migrate`, verification included. */
  totalMs: number;
  perStepMs: Record<Step, number>;
  /** What each step reported (counts, sub-timings). */
  perStepDetail: Record<Step, string>;
  /** Building the language repo and the assets repo (not timed in totalMs). */
  setupMs: number;
  workingTree: { before: number; after: number };
  perPackage: { packages: number; files: number; bytes: number; ms: number; extrapolatedMs: number };
  perPackageSliceMs: number;
  perPackageExtrapolatedMs: number;
  targetMs: number;
  /** The largest recording. */
  largest: number;
  /** 1-minute load average when the migration started and when it ended (other work on the machine). */
  load: { start: number; end: number };
  /** Printed by the bench. */
  text: string;
  /** The body of the `bench:migrate` section of BENCHMARKS.md. */
  markdown: string;
}

const ASSETS_REPO = 'Azure/azure-sdk-assets';
const PER_PACKAGE_REPO = 'Azure/azure-sdk-assets-per-package';
const TARGET_MS = 60_000;

/** azure-sdk-for-java's storage packages, with the share of the service's recordings each holds. */
const PACKAGES: ReadonlyArray<{ name: string; share: number; classes: readonly string[] }> = [
  { name: 'azure-storage-blob', share: 0.42, classes: ['BlobApiTests', 'BlockBlobApiTests', 'PageBlobApiTests', 'AppendBlobApiTests', 'ContainerApiTests', 'ServiceApiTests', 'SasClientTests', 'CpkTests', 'BlobAsyncApiTests', 'BlockBlobAsyncApiTests'] },
  { name: 'azure-storage-file-share', share: 0.18, classes: ['FileApiTests', 'DirectoryApiTests', 'ShareApiTests', 'FileServiceApiTests', 'FileAsyncApiTests'] },
  { name: 'azure-storage-file-datalake', share: 0.17, classes: ['FileApiTest', 'DirectoryApiTests', 'FileSystemApiTests', 'DataLakeServiceApiTests', 'SasTests'] },
  { name: 'azure-storage-blob-cryptography', share: 0.06, classes: ['EncryptedBlockBlobApiTests', 'EncryptedBlobOutputStreamTests'] },
  { name: 'azure-storage-queue', share: 0.05, classes: ['QueueApiTests', 'QueueServiceApiTests', 'QueueSasClientTests'] },
  { name: 'azure-storage-blob-nio', share: 0.05, classes: ['AzureFileSystemTest', 'AzurePathTest', 'AzureFileSystemProviderTest'] },
  { name: 'azure-storage-blob-batch', share: 0.03, classes: ['BlobBatchTests', 'BlobBatchAsyncTests'] },
  { name: 'azure-storage-blob-changefeed', share: 0.02, classes: ['BlobChangefeedTests'] },
  { name: 'azure-storage-common', share: 0.02, classes: ['StorageSharedKeyCredentialTests'] },
];
const VERBS = ['upload', 'download', 'getProperties', 'setProperties', 'delete', 'create', 'list', 'setTier', 'copy', 'acquireLease', 'breakLease', 'setMetadata', 'getAccessPolicy', 'setHttpHeaders', 'stageBlock', 'commitBlockList', 'appendBlock', 'uploadPages', 'clearPages', 'query'];
const NOUNS = ['', 'FromFile', 'FromUrl', 'AllNull', 'Min', 'AC', 'ACFail', 'Error', 'Default', 'Simple', 'Snapshot', 'Version', 'Sas', 'OAuth', 'Overwrite', 'Range', 'Metadata', 'Tags', 'Large', 'Empty'];

/** One generated recording: where it is and what is in it. */
interface Generated {
  path: string;
  content: Buffer;
}

/** Sizes: most from the real distribution, the rest a heavy tail (storage downloads), two of 50 MB and more; summing to `bytes` exactly. */
function drawSizes(count: number, bytes: number, rng: Prng): number[] {
  const sizes = Array.from({ length: count }, () => drawRecordingSize(rng));
  const tailCount = Math.max(1, Math.round(count * 0.2));
  const tail = new Set<number>();
  while (tail.size < Math.min(count, tailCount)) tail.add(rng.int(0, count - 1));
  const huge = [...tail].slice(0, bytes >= 200e6 ? 2 : 0);
  const hugeBytes = huge.length > 0 ? Math.round(Math.min(bytes * 0.18, 64e6 + 50e6)) : 0;
  huge.forEach((i, k) => (sizes[i] = k === 0 ? Math.round(hugeBytes * 0.55) : hugeBytes - Math.round(hugeBytes * 0.55)));
  const rest = [...tail].filter((i) => !huge.includes(i));
  let small = 0;
  sizes.forEach((size, i) => {
    if (!tail.has(i)) small += size;
  });
  const weights = rest.map(() => Math.exp(rng.next() * Math.log(40)));
  const budget = Math.max(0, bytes - small - hugeBytes);
  const weightSum = weights.reduce((a, b) => a + b, 0) || 1;
  rest.forEach((i, k) => (sizes[i] = Math.floor((budget * weights[k]!) / weightSum)));
  const drift = bytes - sizes.reduce((a, b) => a + b, 0);
  const last = rest[rest.length - 1] ?? huge[0] ?? 0;
  sizes[last] = Math.max(0, sizes[last]! + drift);
  return sizes;
}

/** A deterministic stream of pseudo-random bytes (AES-CTR over zeros): payloads that compress like real uploads. */
function payloadStream(seed: string): (length: number) => Buffer {
  const key = createHash('sha256').update(seed).digest();
  const cipher = createCipheriv('aes-128-ctr', key.subarray(0, 16), key.subarray(16, 32));
  return (length) => cipher.update(Buffer.alloc(length));
}

function recording(path: string, size: number, rng: Prng, random: (n: number) => Buffer): Buffer {
  if (size === 0) return Buffer.alloc(0);
  const blob = path.split('/').pop()!.replace(/\.json$/, '');
  const head =
    `{\n  "Entries" : [ {\n    "RequestUri" : "https://REDACTED.blob.core.windows.net/jtc${rng.hex(10)}/${blob}",\n` +
    `    "RequestMethod" : "GET",\n    "RequestHeaders" : {\n      "x-ms-version" : "2023-11-03",\n` +
    `      "User-Agent" : "azsdk-java-azure-storage-blob/12.25.0 (17.0.10; Linux; 6.5.0-1025-azure)",\n` +
    `      "x-ms-client-request-id" : "${rng.uuid()}"\n    },\n    "ResponseHeaders" : {\n      "x-ms-request-id" : "${rng.uuid()}",\n` +
    `      "Content-Type" : "application/octet-stream",\n      "Date" : "Mon, 13 May 2024 17:02:21 GMT"\n    },\n    "ResponseBody" : "`;
  const tail = `"\n  } ],\n  "Variables" : { }\n}\n`;
  const room = size - head.length - tail.length;
  if (room < 0) return Buffer.from(`{ "Entries" : [ ], "Variables" : { } }\n`.padEnd(Math.max(size, 1) - 1, ' ').slice(0, size - 1) + '\n');
  // Downloads carry random data (base64); small recordings are mostly structured text.
  const body =
    size >= 32_000
      ? random(Math.ceil((room * 3) / 4) + 3).toString('base64').slice(0, room)
      : 'x-ms-meta-test : metadata value; '.repeat(Math.ceil(room / 33)).slice(0, room);
  return Buffer.from(head + body + tail, 'utf8');
}

/** The Java storage service: `sdk/storage/<package>/src/test/resources/session-records/<Class>.<method>[<n>].json`. */
export function generateJavaStorage(files: number, bytes: number, seed: string | number): Generated[] {
  const rng = new Prng(`migrate-bench/${seed}`);
  const sizes = drawSizes(files, bytes, rng.fork('sizes'));
  const random = payloadStream(`migrate-bench/${seed}/payload`);
  const generated: Generated[] = [];
  let next = 0;
  PACKAGES.forEach((pkg, p) => {
    const count = p === PACKAGES.length - 1 ? files - next : Math.min(files - next, Math.round(files * pkg.share));
    const names = new Set<string>();
    const local = rng.fork(pkg.name);
    while (names.size < count) {
      const method = `${local.pick(VERBS)}${local.pick(NOUNS)}`;
      const parameterized = local.bool(0.4) ? `[${local.int(1, 6)}]` : '';
      const name = `${local.pick(pkg.classes)}.${method}${names.size >= VERBS.length * NOUNS.length ? local.int(2, 99) : ''}${parameterized}.json`;
      names.add(name);
    }
    for (const name of [...names].sort()) {
      const path = `sdk/storage/${pkg.name}/src/test/resources/session-records/${name}`;
      generated.push({ path, content: recording(path, sizes[next]!, local, random) });
      next++;
    }
  });
  return generated;
}

export async function benchMigrate(options: BenchMigrateOptions = {}): Promise<BenchMigrateResult> {
  const log = options.log ?? (() => undefined);
  const quick = options.quick === true;
  const files = options.files ?? (quick ? 470 : 4693);
  const bytes = options.bytes ?? (quick ? 66.6e6 : 666e6);
  const seed = options.seed ?? 'bench';
  const work = options.workDir ?? (await makeTempDir('migrate-bench-'));
  await mkdir(work, { recursive: true });
  let daemon: GitDaemon | undefined;
  try {
    const setupStarted = Date.now();
    log(`migrate: generating ${files.toLocaleString('en-US')} Java storage recordings (${formatBytes(bytes)})`);
    const generated = generateJavaStorage(files, bytes, seed);
    const largest = generated.reduce((max, g) => Math.max(max, g.content.length), 0);
    const repo = join(work, 'azure-sdk-for-java');
    const repoFiles = new Map<string, Buffer | string>(generated.map((g) => [g.path, g.content]));
    repoFiles.set('README.md', '# Azure SDK for Java (generated for the migration benchmark)\n');
    for (const pkg of PACKAGES) repoFiles.set(`sdk/storage/${pkg.name}/pom.xml`, `<project><artifactId>${pkg.name}</artifactId></project>\n`);
    await makeLanguageRepo(repo, { files: repoFiles });
    repoFiles.clear();
    const serverRoot = join(work, 'server');
    for (const name of [ASSETS_REPO, PER_PACKAGE_REPO]) {
      const bare = await makeBareAssetsRepo(serverRoot, name);
      await commitFiles(bare, { 'README.md': '# azure-sdk-assets\n', 'python/sdk/core/azure-core/tests/recordings/test_a.pyTestAtest_a.json': '{}\n' });
    }
    daemon = await startGitDaemon(serverRoot);
    const setupMs = Date.now() - setupStarted;
    log(`migrate: set up in ${(setupMs / 1000).toFixed(1)} s`);

    // The per-package sequence first, while the recordings are still in the language repo.
    const perPackage = await timePerPackage({ work, repo, generated, daemon, sliceFiles: options.sliceFiles ?? Math.max(1, Math.round(files / 10)), log });
    generated.length = 0;

    log('migrate: asset-sync migrate --prefix java (verification included)');
    const loadStart = loadavg()[0]!;
    const started = Date.now();
    const result = await runCli(['migrate', '--assets-repo', ASSETS_REPO, '--prefix', 'java', '--yes', '--json'], {
      cwd: repo,
      env: { ASSET_SYNC_REMOTE_URL_TEMPLATE: daemon.urlTemplate },
      timeoutMs: 30 * 60_000,
    });
    const totalMs = Date.now() - started;
    const load = { start: loadStart, end: loadavg()[0]! };
    if (result.exitCode !== 0) throw new Error(`asset-sync migrate failed (exit ${result.exitCode}):\n${result.stderr}\n${result.stdout.slice(0, 4000)}`);
    const report = JSON.parse(result.stdout) as MigrationReport;
    if (report.status !== 'complete' || report.totals.files !== files) {
      throw new Error(`asset-sync migrate moved ${report.totals.files} of ${files} recordings (status ${report.status})`);
    }
    const perStepMs = Object.fromEntries(STEPS.map((s) => [s, report.steps[s].ms])) as Record<Step, number>;
    const perStepDetail = Object.fromEntries(STEPS.map((s) => [s, report.steps[s].detail ?? ''])) as Record<Step, string>;
    const extrapolatedMs = perPackage.bytes > 0 ? Math.round((perPackage.ms * report.totals.bytes) / perPackage.bytes) : 0;
    const numbers = {
      files: report.totals.files,
      bytes: report.totals.bytes,
      packages: report.totals.units,
      totalMs,
      perStepMs,
      perStepDetail,
      setupMs,
      workingTree: { before: report.workingTree.before, after: report.workingTree.after ?? 0 },
      perPackage: { ...perPackage, extrapolatedMs },
      perPackageSliceMs: perPackage.ms,
      perPackageExtrapolatedMs: extrapolatedMs,
      targetMs: TARGET_MS,
      largest,
      load,
    };
    log(`migrate: ${(totalMs / 1000).toFixed(1)} s for ${formatBytes(report.totals.bytes)}`);
    return { ...numbers, text: renderText(numbers), markdown: await renderMarkdown(numbers, String(seed)) };
  } finally {
    await daemon?.stop();
    if (options.workDir) await rm(work, { recursive: true, force: true });
    else await removeTempDir(work);
  }
}

/**
 * The sequence the production script runs for each package: copy its recordings into a clone of
 * the assets repo, `git add`, `git commit`, `git tag <TagPrefix>_<sha10>`, `git push origin <tag>`.
 * Timed on whole packages, smallest first, until the slice has `sliceFiles` files.
 */
async function timePerPackage(input: { work: string; repo: string; generated: Generated[]; daemon: GitDaemon; sliceFiles: number; log: (line: string) => void }) {
  const byPackage = new Map<string, Generated[]>();
  for (const g of input.generated) {
    const pkg = g.path.split('/').slice(0, 3).join('/');
    byPackage.set(pkg, [...(byPackage.get(pkg) ?? []), g]);
  }
  const ordered = [...byPackage].sort((a, b) => a[1].length - b[1].length);
  const slice: Array<[string, Generated[]]> = [];
  let count = 0;
  for (const entry of ordered) {
    if (count >= input.sliceFiles) break;
    slice.push(entry);
    count += entry[1].length;
  }
  const clone = join(input.work, 'per-package-clone');
  await git(['clone', '--quiet', input.daemon.url(PER_PACKAGE_REPO), clone]);
  const sliceBytes = slice.reduce((sum, [, files]) => sum + files.reduce((s, f) => s + f.content.length, 0), 0);
  input.log(`migrate: per-package sequence on ${slice.length} packages, ${count} files (${formatBytes(sliceBytes)})`);
  const started = Date.now();
  for (const [pkg, files] of slice) {
    const folder = files[0]!.path.slice(0, files[0]!.path.lastIndexOf('/'));
    await cp(join(input.repo, folder), join(clone, 'java', folder), { recursive: true });
    await git(['add', '--', `java/${pkg}`], { cwd: clone });
    await git(['commit', '--quiet', '-m', `Automatic asset update from test-proxy (${pkg})`], { cwd: clone });
    const sha = await git(['rev-parse', 'HEAD'], { cwd: clone });
    const tag = tagNameOf(derivedTagPrefix('java', pkg), sha);
    await git(['tag', tag], { cwd: clone });
    await git(['push', '--quiet', 'origin', `refs/tags/${tag}`], { cwd: clone });
  }
  const ms = Date.now() - started;
  // The copy is what production read; check it arrived whole, so the timing is of real work.
  const sample = slice[0]?.[1][0];
  if (sample && !(await readFile(join(clone, 'java', sample.path))).equals(sample.content)) throw new Error(`per-package copy of ${sample.path} differs`);
  await rm(clone, { recursive: true, force: true });
  return { packages: slice.length, files: count, bytes: sliceBytes, ms };
}

type Numbers = Omit<BenchMigrateResult, 'text' | 'markdown'>;

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

function renderText(n: Numbers): string {
  const lines = [
    `asset-sync migrate: ${n.files.toLocaleString('en-US')} recordings, ${formatBytes(n.bytes)}, ${n.packages} packages: ${seconds(n.totalMs)} (target ≤ ${seconds(n.targetMs)}: ${n.totalMs <= n.targetMs ? 'met' : 'MISSED'})`,
    `  ${STEPS.map((s) => `${s} ${seconds(n.perStepMs[s])}`).join(' · ')}`,
    `  working tree ${formatBytes(n.workingTree.before)} -> ${formatBytes(n.workingTree.after)}`,
    `per-package sequence: ${n.perPackage.packages} packages, ${n.perPackage.files} files, ${formatBytes(n.perPackage.bytes)} in ${seconds(n.perPackage.ms)}; extrapolated to ${formatBytes(n.bytes)}: ${seconds(n.perPackage.extrapolatedMs)} (${(n.perPackage.extrapolatedMs / n.totalMs).toFixed(1)}× the migration)`,
  ];
  return lines.join('\n');
}

async function renderMarkdown(n: Numbers, seed: string): Promise<string> {
  const gitVersion = await git(['--version']).catch(() => 'git');
  const machine = `${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}, ${gitVersion}`;
  const rows = STEPS.map((s) => `| ${s} | ${seconds(n.perStepMs[s])} | ${STEP_NOTES[s]} | ${n.perStepDetail[s].replace(/\|/g, '\\|')} |`);
  return [
    '## Migrate: the Java storage case',
    '',
    `Generated by \`npm run bench -- --migrate\` on ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}; the next run replaces this section.`,
    '',
    `- **Language repo**: ${n.files.toLocaleString('en-US')} recordings, ${formatBytes(n.bytes)}, in ${n.packages} packages of \`sdk/storage\` (azure-sdk-for-java names: \`src/test/resources/session-records/<Class>.<method>[<n>].json\`); sizes from the real distribution plus a heavy tail of storage downloads (random payloads, base64)${n.largest >= 50e6 ? `, the largest ${formatBytes(n.largest)}` : ''}; seed \`${seed}\`.`,
    `- **Assets repo**: bare, served by \`git daemon\` on 127.0.0.1, with history of its own on main; the migration builds on it.`,
    `- **Machine**: ${machine}; 1-minute load average ${n.load.start.toFixed(2)} when the migration started, ${n.load.end.toFixed(2)} when it ended.`,
    '',
    '| step | time | what | this run |',
    '| --- | ---: | --- | --- |',
    ...rows,
    `| **total** (\`asset-sync migrate\`, wall clock) | **${seconds(n.totalMs)}** | target ≤ ${seconds(n.targetMs)}: **${n.totalMs <= n.targetMs ? 'met' : 'MISSED'}** | steps plus starting the CLI, the lock and the working-tree sizes |`,
    '',
    `Working tree of the language repo: ${formatBytes(n.workingTree.before)} before, ${formatBytes(n.workingTree.after)} after.`,
    '',
    `**Per-package sequence** (what the production script does for each package: copy into a clone of the assets repo, \`git add\`, \`git commit\`, \`git tag\`, \`git push\`), timed in the same run on the ${n.perPackage.packages} smallest packages: ${n.perPackage.files.toLocaleString('en-US')} files, ${formatBytes(n.perPackage.bytes)} in ${seconds(n.perPackage.ms)}. Extrapolated by bytes to the whole ${formatBytes(n.bytes)}: **≈ ${seconds(n.perPackage.extrapolatedMs)}**, ${(n.perPackage.extrapolatedMs / n.totalMs).toFixed(1)}× the migration's time, and without any verification. (Production reported about 7 minutes for this case.)`,
  ].join('\n');
}

const STEP_NOTES: Record<Step, string> = {
  plan: 'find the recordings folders, list and size every file, working-tree size',
  write: 'every file into the store as blobs (parallel `git fast-import`, one pack each; random payloads stored, text deflated), one commit from a temporary index',
  publish: 'one `git push` of the commit and every tag',
  pin: 'each assets.json, and `.assets` in .gitignore',
  verify: '`restore` of every unit from the server into a temporary folder, every file compared by content hash',
  remove: 'delete the originals, stage the deletions and the new assets.json files',
};
