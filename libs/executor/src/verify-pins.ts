import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Store, listRemoteRefs } from '@asset-sync/git-store';
import { describePin, pinKey, type Pin } from '@asset-sync/assets-json';
import { remoteTags } from './remote-refs.js';
import type { PackageEntry, Workspace } from './types.js';
import { storeLocation } from './workspace.js';
import { ignoreAssetsDir } from './restore.js';

export interface VerifiedPin {
  id: string;
  assetsRepo?: string;
  /** The Tag or SHA as written ('' for the head of the fallback branch). */
  pin?: string;
  /** The assets repo has it: a fresh clone restores it without any fork. */
  onUpstream: boolean;
  /** For a pin the assets repo lacks: the fallback remote that has it, if one does. */
  foundOn?: string;
  problem?: string;
}

export interface VerifyPinsReport {
  ok: boolean;
  pins: VerifiedPin[];
}

/**
 * Asks the assets repo itself (not the local store, which may hold pins a fork served) whether it
 * has every pin: Tags and fallback branches with ls-remote, SHA pins by fetching them into a
 * throwaway store. What a PR gate runs before merging: a pin only a fork has would break every
 * restore once the fork goes away.
 */
export async function verifyPins(workspace: Workspace, entries: PackageEntry[]): Promise<VerifyPinsReport> {
  await ignoreAssetsDir(workspace.assetsDir);
  const pins: VerifiedPin[] = [];
  const byRepo = new Map<string, PackageEntry[]>();
  for (const entry of entries) {
    if (!entry.settings || entry.problems.length > 0) pins.push({ id: entry.path, onUpstream: false, problem: entry.problems.map((p) => p.message).join('; ') || 'not a valid assets.json' });
    else byRepo.set(entry.settings.assetsRepo, [...(byRepo.get(entry.settings.assetsRepo) ?? []), entry]);
  }
  for (const [assetsRepo, mine] of byRepo) {
    const store = await Store.open(storeLocation(workspace, assetsRepo));
    const present = await presentUpstream(workspace, store, mine.map((e) => e.settings!.pin));
    const absentTags = mine.map((e) => e.settings!.pin).flatMap((p) => (p.kind === 'tag' && !present.has(pinKey(p)) ? [p.tag] : []));
    const foundOn = new Map<string, string>();
    for (const fallback of absentTags.length ? workspace.fallbackRemotes() : []) {
      for (const tag of (await remoteTags(store, absentTags, fallback.url).catch(() => new Map<string, string>())).keys()) if (!foundOn.has(tag)) foundOn.set(tag, fallback.name);
    }
    for (const entry of mine) {
      const pin = entry.settings!.pin;
      const onUpstream = present.has(pinKey(pin));
      const on = pin.kind === 'tag' ? foundOn.get(pin.tag) : undefined;
      pins.push({ id: entry.path, assetsRepo, pin: entry.settings!.pinText, onUpstream, ...(on && !onUpstream ? { foundOn: on } : {}), ...(onUpstream ? {} : { problem: `${describePin(pin)} is not on ${assetsRepo}` }) });
    }
  }
  pins.sort((a, b) => (a.id < b.id ? -1 : 1));
  return { ok: pins.every((p) => p.onUpstream), pins };
}

/** The keys of the pins the assets repo has. */
async function presentUpstream(workspace: Workspace, store: Store, pins: Pin[]): Promise<Set<string>> {
  const present = new Set<string>();
  const tags = await remoteTags(store, pins.flatMap((p) => (p.kind === 'tag' ? [p.tag] : [])));
  for (const tag of tags.keys()) present.add(pinKey({ kind: 'tag', tag }));
  const branches = [...new Set(pins.flatMap((p) => (p.kind === 'branch-head' ? [p.branch] : [])))];
  if (branches.length > 0) {
    const heads = await listRemoteRefs(store, { heads: true, patterns: branches.map((b) => `refs/heads/${b}`) });
    for (const branch of branches) if (heads.has(`refs/heads/${branch}`)) present.add(pinKey({ kind: 'branch-head', branch }));
  }
  const shas = pins.filter((p) => p.kind === 'sha');
  if (shas.length > 0) {
    // The store may have a SHA from a fork; git would then not ask the server at all. A throwaway
    // store has nothing, so its fetch answers for the assets repo.
    await mkdir(join(workspace.assetsDir, '.asset-sync'), { recursive: true });
    const scratch = await mkdtemp(join(workspace.assetsDir, '.asset-sync', 'verify-'));
    try {
      const probe = await Store.open({ assetsDir: scratch, assetsRepo: store.assetsRepo, url: store.url });
      const { missing } = await probe.fetchPins(shas);
      for (const pin of shas) if (!missing.has(pinKey(pin))) present.add(pinKey(pin));
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }
  return present;
}
