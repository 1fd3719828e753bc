import { Store, acquireLock } from '@asset-sync/git-store';
import { planAdopt, type AdoptAction } from '@asset-sync/planner';
import { copyRefs, remoteTags } from './remote-refs.js';
import type { PackageEntry, Workspace } from './types.js';
import { storeLocation } from './workspace.js';
import { ignoreAssetsDir } from './restore.js';

export interface AdoptOptions {
  workspace: Workspace;
  entries: PackageEntry[];
  /** The fork the tags were pushed to. */
  from: { name: string; url: string };
}

export interface AdoptedTag {
  tag: string;
  assetsRepo: string;
  /** copied: now in the assets repo; upstream: it was there; conflict, missing, failed: not copied. */
  action: AdoptAction | 'copied' | 'failed';
  commit?: string;
  /** The assets.json files that pin it. */
  packages: string[];
  message?: string;
}

export interface AdoptReport {
  ok: boolean;
  from: string;
  tags: AdoptedTag[];
  /** assets.json files adopt does not handle: invalid, or pinning a SHA or no pin at all. */
  skipped: Array<{ id: string; reason: string }>;
}

/**
 * Copies every pinned tag that exists only in the fork into the assets repo, with the same commit
 * ids, so the pins hold without the fork. Run with write access (a maintainer, a pipeline). A tag
 * whose name the assets repo has at another commit is refused and named.
 */
export async function adopt(options: AdoptOptions): Promise<AdoptReport> {
  const { workspace } = options;
  const skipped: AdoptReport['skipped'] = [];
  const byRepo = new Map<string, Map<string, string[]>>();
  for (const entry of options.entries) {
    const pin = entry.settings?.pin;
    if (!entry.settings || entry.problems.length > 0) skipped.push({ id: entry.path, reason: 'not a valid assets.json' });
    else if (pin?.kind !== 'tag') skipped.push({ id: entry.path, reason: pin?.kind === 'sha' ? 'pins a SHA; adopt copies tags' : 'pins nothing yet' });
    else {
      const tags = byRepo.get(entry.settings.assetsRepo) ?? new Map<string, string[]>();
      tags.set(pin.tag, [...(tags.get(pin.tag) ?? []), entry.path]);
      byRepo.set(entry.settings.assetsRepo, tags);
    }
  }
  await ignoreAssetsDir(workspace.assetsDir);
  const release = await acquireLock(workspace.assetsDir);
  const tags: AdoptedTag[] = [];
  try {
    for (const [assetsRepo, pinned] of [...byRepo].sort(([a], [b]) => (a < b ? -1 : 1))) {
      tags.push(...(await adoptRepo(workspace, assetsRepo, pinned, options.from)));
    }
  } finally {
    await release();
  }
  return { ok: tags.every((t) => t.action === 'copied' || t.action === 'upstream'), from: options.from.name, tags, skipped };
}

async function adoptRepo(workspace: Workspace, assetsRepo: string, pinned: Map<string, string[]>, from: { name: string; url: string }): Promise<AdoptedTag[]> {
  const store = await Store.open(storeLocation(workspace, assetsRepo));
  const names = [...pinned.keys()];
  const decisions = planAdopt(names, await remoteTags(store, names), await remoteTags(store, names, from.url));
  const copies = decisions.filter((d) => d.action === 'copy');
  const pushed = new Map((await copyRefs(store, { kind: 'remote', ...from }, copies.map((d) => ({ ref: `refs/tags/${d.tag}`, commit: d.commit! })))).map((o) => [o.ref, o]));
  return decisions.map((d): AdoptedTag => {
    const base = { tag: d.tag, assetsRepo, packages: pinned.get(d.tag) ?? [], ...(d.commit ? { commit: d.commit } : {}) };
    if (d.action === 'conflict') return { ...base, action: 'conflict', message: `${assetsRepo} has ${d.tag} at ${d.upstreamCommit}, the fork at ${d.commit}: refused` };
    if (d.action === 'missing') return { ...base, action: 'missing', message: `neither ${assetsRepo} nor ${from.name} has ${d.tag}` };
    if (d.action === 'upstream') return { ...base, action: 'upstream' };
    const outcome = pushed.get(`refs/tags/${d.tag}`);
    if (outcome && outcome.status !== 'rejected') return { ...base, action: 'copied' };
    return { ...base, action: 'failed', message: `${assetsRepo} refused ${d.tag}: ${outcome?.reason ?? 'not pushed'}` };
  });
}
