import { pinTextOf } from '@asset-sync/assets-json';
import { formatProblem, type Problem } from '@asset-sync/errors';
import type { AssetsJsonEntry } from '@asset-sync/discovery';

/** One assets.json as `asset-sync discover --json` lists it. */
export interface DiscoveredRow {
  path: string;
  packagePath: string;
  dialect: NonNullable<AssetsJsonEntry['dialect']> | null;
  assetsRepo: string | null;
  prefix: string | null;
  pin: NonNullable<AssetsJsonEntry['pin']> | null;
  branch?: string;
  problems: Problem[];
}

/** `asset-sync discover` as text: one line per assets.json (its problems under it), then the count. */
export function formatDiscovered(rows: DiscoveredRow[]): string {
  const broken = rows.filter((r) => r.problems.length > 0);
  const lines = rows.map((r) => {
    if (r.problems.length > 0) return `${r.path}: INVALID\n${r.problems.map((p) => `  ${formatProblem(p)}${p.hint ? `\n    hint: ${p.hint}` : ''}`).join('\n')}`;
    const pin = (r.pin && pinTextOf(r.pin)) || '(nothing pushed yet)';
    return `${r.path}: ${r.dialect} ${r.assetsRepo} prefix "${r.prefix}" pin ${pin}`;
  });
  lines.push(`${rows.length} assets.json, ${broken.length} with problems`);
  return lines.join('\n');
}
