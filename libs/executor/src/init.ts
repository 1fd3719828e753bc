import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { derivedTagPrefix, parseAssetsJson } from '@asset-sync/assets-json';
import { AssetSyncError, formatProblem } from '@asset-sync/errors';
import { discoverOne, findGoverningAssetsJson, toPosixPath } from '@asset-sync/discovery';
import type { Workspace } from './types.js';

export interface InitOptions {
  workspace: Workspace;
  /** Absolute folder of the new package or service. */
  dir: string;
  assetsRepo?: string;
  prefix?: string;
}

export interface InitReport {
  path: string;
  /** The parent assets.json it was copied from, if any. */
  copiedFrom?: string;
  content: Record<string, unknown>;
}

const PIN_AND_BRANCH_KEYS = new Set(['Tag', 'SHA', 'AssetsRepoBranch', 'TagPrefix']);

/**
 * Creates the assets.json of a new package: the nearest parent assets.json (or the configured
 * defaults) without its pin and branch, TagPrefix derived from the path as production does,
 * and an empty pin. Formatting follows the parent's (indentation, line endings).
 */
export async function init(options: InitOptions): Promise<InitReport> {
  const { workspace } = options;
  const rel = toPosixPath(relative(workspace.repoRoot, options.dir));
  if (rel.startsWith('..')) throw new AssetSyncError('USAGE', `${options.dir} is outside the language repo ${workspace.repoRoot}`);
  const file = join(options.dir, 'assets.json');
  const relFile = rel ? `${rel}/assets.json` : 'assets.json';
  if (existsSync(file)) {
    throw new AssetSyncError('USAGE', `${relFile} already exists`, { hint: `asset-sync status ${rel || '.'} shows its pin; edit it by hand to change the assets repo.` });
  }
  let parent: { path: string; raw: Record<string, unknown>; text: string } | undefined;
  if (rel !== '') {
    try {
      const parentFile = await findGoverningAssetsJson(dirname(options.dir), workspace.repoRoot);
      const entry = await discoverOne(parentFile, workspace.repoRoot);
      if (entry.value && entry.text !== undefined) parent = { path: entry.path, raw: entry.value.raw, text: entry.text };
    } catch (error) {
      if (!(error instanceof AssetSyncError && error.code === 'ASSETS_JSON_NOT_FOUND')) throw error;
    }
  }
  const defaults = workspace.config.defaults;
  const content: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parent?.raw ?? {})) if (!PIN_AND_BRANCH_KEYS.has(key)) content[key] = value;
  if (options.assetsRepo) content['AssetsRepo'] = options.assetsRepo;
  if (options.prefix !== undefined) content['AssetsRepoPrefixPath'] = options.prefix;
  content['AssetsRepo'] ??= defaults.AssetsRepo;
  content['AssetsRepoPrefixPath'] ??= defaults.AssetsRepoPrefixPath ?? '';
  if (!content['AssetsRepo']) {
    throw new AssetSyncError('USAGE', `no parent assets.json above ${rel || '.'} and no default assets repo`, {
      hint: 'Pass --assets-repo <owner/name> --prefix <language>, or set defaults.AssetsRepo in asset-sync.yaml.',
    });
  }
  const branchDialect = parent !== undefined && ('SHA' in parent.raw || 'AssetsRepoBranch' in parent.raw || 'AssetsRepoFallbackBranch' in parent.raw || 'AssetsRepoId' in parent.raw);
  if (!branchDialect) {
    content['TagPrefix'] = derivedTagPrefix(String(content['AssetsRepoPrefixPath'] ?? '').replace(/\/+$/, ''), rel);
    content['Tag'] = '';
  }
  const indent = parent ? (/\n( +|\t)"/.exec(parent.text)?.[1] ?? '  ') : '  ';
  const eol = parent?.text.includes('\r\n') ? '\r\n' : '\n';
  const text = JSON.stringify(content, null, indent).replace(/\n/g, eol) + eol;
  const parsed = parseAssetsJson(text, relFile);
  if (!parsed.ok) {
    throw new AssetSyncError('ASSETS_JSON_INVALID', `the assets.json init would write is not valid:\n${parsed.problems.map(formatProblem).join('\n')}`, {
      problems: parsed.problems,
      hint: parent ? `Fix ${parent.path} (it was copied), or pass --assets-repo and --prefix.` : 'Pass a valid --assets-repo and --prefix.',
    });
  }
  await writeFile(file, text, { flag: 'wx' });
  return { path: relFile, ...(parent ? { copiedFrom: parent.path } : {}), content };
}
