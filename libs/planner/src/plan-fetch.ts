import { pinKey, type Pin } from '@asset-sync/assets-json';
import type { FetchPlan, RestoreRequest } from './types.js';

export interface FetchInput {
  /** Requests whose pins are not known from the recorded state. */
  requests: RestoreRequest[];
  /** Pins the store resolved locally, per assets repo: pinKey -> commit. */
  resolved: Record<string, Record<string, string>>;
  /** Commits the store already has (from its local history), per assets repo. */
  present?: Record<string, string[]>;
  /** Known ancestry per assets repo: commit -> its ancestors among the candidates. */
  ancestry?: Record<string, Record<string, string[]>>;
  /**
   * Branches the layout needs in the store that it lacks, per assets repo: their heads are asked
   * for in the same request (the test-proxy layout's `main`, which the proxy's push diffs against).
   */
  branches?: Record<string, string[]>;
}

/**
 * The pins to fetch: one `git fetch` per assets repo asks for every pin the store cannot resolve.
 * A SHA pin need not be asked for when its commit is already in the store's history, or is an
 * ancestor of another SHA being fetched: a blob-less fetch brings the whole history of what it
 * asks for (commits and trees), so the executor only has to name it afterwards.
 */
export function planFetch(input: FetchInput): FetchPlan {
  const wants: Record<string, Pin[]> = {};
  const collapsed: FetchPlan['collapsed'] = [];
  const byRepo = new Map<string, RestoreRequest[]>();
  for (const r of input.requests) byRepo.set(r.assetsRepo, [...(byRepo.get(r.assetsRepo) ?? []), r]);
  for (const repo of Object.keys(input.branches ?? {})) if (!byRepo.has(repo)) byRepo.set(repo, []);
  for (const [repo, requests] of [...byRepo].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const resolved = input.resolved[repo] ?? {};
    const present = new Set(input.present?.[repo] ?? []);
    const unresolved = new Map<string, { pin: Pin; ids: string[] }>();
    for (const r of requests) {
      const key = pinKey(r.pin);
      if (resolved[key]) continue;
      const entry = unresolved.get(key) ?? { pin: r.pin, ids: [] };
      entry.ids.push(r.id);
      unresolved.set(key, entry);
    }
    const shas = new Set([...unresolved.values()].flatMap((u) => (u.pin.kind === 'sha' && !present.has(u.pin.sha) ? [u.pin.sha] : [])));
    const list: Pin[] = [];
    for (const { pin, ids } of [...unresolved.values()].sort((a, b) => (pinKey(a.pin) < pinKey(b.pin) ? -1 : 1))) {
      if (pin.kind === 'sha') {
        const within = present.has(pin.sha) ? 'local history' : descendantAmong(pin.sha, shas, input.ancestry?.[repo] ?? {});
        if (within) {
          for (const id of ids) collapsed.push({ id, sha: pin.sha, within });
          continue;
        }
      }
      list.push(pin);
    }
    for (const branch of input.branches?.[repo] ?? []) {
      if (!list.some((p) => p.kind === 'branch-head' && p.branch === branch)) list.push({ kind: 'branch-head', branch });
    }
    if (list.length > 0) wants[repo] = list;
  }
  return { wants, collapsed: collapsed.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)) };
}

/** Another wanted commit whose known ancestors include `sha`, or undefined. */
function descendantAmong(sha: string, wanted: Set<string>, ancestry: Record<string, string[]>): string | undefined {
  for (const other of [...wanted].sort()) {
    if (other !== sha && (ancestry[other] ?? []).includes(sha) && !(ancestry[sha] ?? []).includes(other)) return other;
  }
  return undefined;
}
