import { parseAssetsJson, setField, tagNameOf } from '@asset-sync/assets-json';
import type { MigrationPlan, PlannedUnit } from './plan.js';

/**
 * The assets.json a migrated unit gets, in the key order and formatting of the real files:
 * 2-space indentation, a final newline.
 */
export function assetsJsonFields(plan: MigrationPlan, unit: PlannedUnit, commit: string): Array<[string, string]> {
  if (plan.dialect === 'tag') {
    const tagPrefix = unit.tagPrefix ?? '';
    return [
      ['AssetsRepo', plan.assetsRepo],
      ['AssetsRepoPrefixPath', plan.prefix],
      ['TagPrefix', tagPrefix],
      ['Tag', tagNameOf(tagPrefix, commit)],
    ];
  }
  return [
    ['AssetsRepo', plan.assetsRepo],
    ['AssetsRepoPrefixPath', plan.prefix],
    ['AssetsRepoId', ''],
    ['AssetsRepoFallbackBranch', plan.fallbackBranch],
    ['AssetsRepoBranch', unit.branch ?? ''],
    ['SHA', commit],
  ];
}

export function renderAssetsJson(fields: Array<[string, string]>): string {
  return `{\n${fields.map(([key, value]) => `  ${JSON.stringify(key)}: ${JSON.stringify(value)}`).join(',\n')}\n}\n`;
}

/**
 * The text to write: a new file, or (for a unit migrated with --force) the existing file with
 * each value replaced in place, so its formatting and any other keys stay as they were. A file
 * in the other dialect, or one that cannot be edited, is replaced.
 */
export function pinnedText(existing: string | undefined, fields: Array<[string, string]>, file: string): string {
  if (existing === undefined) return renderAssetsJson(fields);
  const parsed = parseAssetsJson(existing, file);
  const wanted = fields.some(([key]) => key === 'SHA') ? 'branch' : 'tag';
  if (!parsed.ok || parsed.value.dialect !== wanted) return renderAssetsJson(fields);
  try {
    let text = existing;
    for (const [key, value] of fields) text = setField(text, key, value, file);
    return text;
  } catch {
    return renderAssetsJson(fields);
  }
}
