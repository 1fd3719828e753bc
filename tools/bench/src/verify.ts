import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { AssetSyncError, formatProblem, type Problem } from '@asset-sync/errors';
import { listTreeAt, readFilesInDir } from '@asset-sync/git-harness';
import type { CorpusManifest, CorpusPackage } from '@asset-sync/corpus';
import { assetsPathOf, restorablePackages } from './manifest.js';
import type { RestoreReportJson } from './restore.js';

export interface Verification {
  packages: number;
  files: number;
  bytes: number;
}

const CONCURRENCY = 4;

/** The git blob id of `content`: equal ids mean equal bytes, so a tree listing is all a check needs from git. */
function blobId(content: Buffer): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}

/**
 * Every package the report restored holds exactly the files of its pin, byte for byte: each file
 * under `locate` is hashed as git hashes a blob and compared with the pinned commit's tree read
 * straight from the server's repository. Throws VERIFY_FAILED listing every package that differs.
 */
export async function verifyRestore(manifest: CorpusManifest, report: RestoreReportJson): Promise<Verification> {
  const outcomes = new Map(report.packages.map((outcome) => [outcome.id, outcome]));
  const problems: Problem[] = [];
  const totals: Verification = { packages: 0, files: 0, bytes: 0 };
  const queue = [...restorablePackages(manifest)];

  const check = async (pkg: CorpusPackage): Promise<void> => {
    const id = `${pkg.packagePath}/assets.json`;
    const outcome = outcomes.get(id);
    if (outcome === undefined || outcome.locate === undefined) {
      problems.push({ file: id, message: `missing from the restore report or without a locate path (status ${outcome?.status ?? 'absent'})` });
      return;
    }
    if (outcome.commit !== pkg.commit) {
      problems.push({ file: id, message: `resolved to ${outcome.commit ?? 'nothing'}, the pin is ${pkg.commit}` });
    }
    const expected = await listTreeAt(manifest.repoPath, pkg.commit, assetsPathOf(pkg));
    const found = await readFilesInDir(join(outcome.locate, pkg.packagePath));
    const missing = [...expected.keys()].filter((path) => !found.has(path));
    const extra = [...found.keys()].filter((path) => !expected.has(path));
    const differing = [...expected].filter(([path, entry]) => found.has(path) && blobId(found.get(path) as Buffer) !== entry.id).map(([path]) => path);
    if (missing.length + extra.length + differing.length > 0) {
      const some = (paths: string[]): string => paths.slice(0, 3).join(', ') + (paths.length > 3 ? ', ...' : '');
      problems.push({
        file: id,
        message: [
          missing.length ? `${missing.length} missing (${some(missing)})` : '',
          extra.length ? `${extra.length} not in the pin (${some(extra)})` : '',
          differing.length ? `${differing.length} with other bytes (${some(differing)})` : '',
        ]
          .filter(Boolean)
          .join('; '),
      });
    }
    totals.packages += 1;
    totals.files += found.size;
    for (const bytes of found.values()) totals.bytes += bytes.length;
  };

  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let pkg = queue.shift(); pkg !== undefined; pkg = queue.shift()) await check(pkg);
    }),
  );
  if (problems.length > 0) {
    throw new AssetSyncError(
      'VERIFY_FAILED',
      `asset-sync restored the wrong recordings for ${problems.length} packages:\n${problems.slice(0, 20).map((p) => `  ${formatProblem(p)}`).join('\n')}`,
      { problems, hint: 'this is a bug in restore: rerun with ASSET_SYNC_KEEP_TEMP=1 to keep the language repo for a look' },
    );
  }
  return totals;
}
