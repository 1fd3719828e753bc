import { plural } from '@asset-sync/errors';
import { shortSha, type RestorePlan } from '@asset-sync/planner';

/** `asset-sync plan` as text: one block per checkout, each package's action and why. */
export function formatPlan(plan: RestorePlan): string {
  const s = plan.summary;
  const lines = [`Plan: ${plural(s.requests, 'assets.json')} in ${plural(s.checkouts, 'checkout')}; ${s.changing} to write, ${s.blocked} blocked, ${s.failed} failed`];
  for (const c of plan.checkouts) {
    lines.push(`checkout ${c.dir} (${c.assetsRepo}): ${c.action}, ${plural(c.grafts.length, 'package folder')}${c.commit ? ` at ${shortSha(c.commit)}` : ''}`);
    for (const p of plan.packages.filter((x) => x.checkout === c.dir)) lines.push(`  ${p.action.padEnd(9)} ${p.id}: ${p.why}`);
  }
  for (const p of plan.packages.filter((x) => !x.checkout)) lines.push(`  ${p.action.padEnd(9)} ${p.id}: ${p.why}`);
  for (const f of plan.failures) lines.push(`failed ${f.message}${f.hint ? `\n  hint: ${f.hint}` : ''}`);
  return lines.join('\n');
}

