import { AssetSyncError, isAssetSyncError } from '@asset-sync/errors';
import type { Store } from '@asset-sync/git-store';
import { pinKey, type Pin } from '@asset-sync/assets-json';
import type { NetworkMeter } from './network.js';

/** A remote restore may read missing pins from: a contributor's fork, named as configured. */
export interface FallbackRemote {
  name: string;
  url: string;
}

/**
 * Looks for the pins the assets repo lacks in the fallback remotes, in order, one fetch per
 * remote for all of them. Only those pins come from a fallback; the store's origin stays the
 * assets repo. Returns which remote served each pin found; `missing` keeps the rest, their
 * message naming the remotes also tried.
 */
export async function fetchFromFallbacks(
  store: Store,
  pins: Pin[],
  missing: Map<string, Error>,
  fallbacks: FallbackRemote[],
  network?: NetworkMeter,
): Promise<Map<string, FallbackRemote>> {
  const served = new Map<string, FallbackRemote>();
  const notFound = (key: string): boolean => isAssetSyncError(missing.get(key), 'PIN_NOT_FOUND');
  const tried: string[] = [];
  for (const remote of fallbacks) {
    const wanted = uniquePins(pins).filter((pin) => notFound(pinKey(pin)));
    if (wanted.length === 0) break;
    tried.push(remote.name);
    if (network) network.pinFetches++;
    try {
      const result = await store.fetchPins(wanted, network?.onBytes(`pins:${store.assetsRepo}:${remote.name}`), remote.url);
      for (const pin of wanted) {
        const key = pinKey(pin);
        if (result.missing.has(key)) continue;
        served.set(key, remote);
        missing.delete(key);
      }
    } catch (error) {
      // An unreachable fallback is one place less to look; the pins stay missing, as they were.
      if (!isAssetSyncError(error)) throw error;
    }
  }
  if (tried.length > 0) {
    for (const [key, error] of missing) {
      if (!notFound(key)) continue;
      missing.set(key, new AssetSyncError('PIN_NOT_FOUND', `${error.message}; not in the fallback remote${tried.length === 1 ? '' : 's'} ${tried.join(', ')} either`, {
        hint: 'If it was pushed to a fork, add that fork to ASSET_SYNC_FALLBACK_REMOTES (or fallbackRemotes in asset-sync.yaml); a maintainer copies it upstream with asset-sync adopt --from <fork>.',
      }));
    }
  }
  return served;
}

/**
 * Fetches missing objects, each from where it can be found: the objects below trees a fallback
 * served come from that fallback (the assets repo does not have them), the rest from origin.
 * One request per remote.
 */
export async function fetchObjectsRouted(
  store: Store,
  missing: string[],
  routes: Array<{ remote: FallbackRemote; oids: string[] }>,
  onBytes?: (label: string) => (progress: { bytes?: number }) => void,
  fallbacks: FallbackRemote[] = [],
): Promise<{ requests: number; objects: number }> {
  let rest = new Set(missing);
  const counted = { requests: 0, objects: 0 };
  // What a fetch asked for (0: the objects arrived meanwhile through another run sharing the store).
  const count = (asked: number): void => {
    if (asked > 0) counted.requests++;
    counted.objects += asked;
  };
  for (const { remote, oids } of routes) {
    const mine = oids.filter((oid) => rest.has(oid));
    if (mine.length === 0) continue;
    count(await store.fetchObjects(mine, onBytes?.(`objects:${store.assetsRepo}:${remote.name}`), remote.url));
    const fetched = new Set(mine);
    rest = new Set([...rest].filter((oid) => !fetched.has(oid)));
  }
  if (rest.size > 0) {
    try {
      count(await store.fetchObjects([...rest], onBytes?.(`objects:${store.assetsRepo}`)));
    } catch (error) {
      // A pin a fallback served in an earlier run (a dry run, a run that failed later) resolves
      // locally now, so nothing says where its contents are: the fallbacks are asked next.
      if (!isAssetSyncError(error, 'GIT_FAILED') || fallbacks.length === 0) throw error;
      counted.requests += await fetchFromAny(store, [...rest], fallbacks, error);
      counted.objects += rest.size;
    }
  }
  return counted;
}

async function fetchFromAny(store: Store, oids: string[], fallbacks: FallbackRemote[], first: unknown): Promise<number> {
  let requests = 0;
  for (const remote of fallbacks) {
    requests++;
    try {
      await store.fetchObjects(oids, undefined, remote.url);
      return requests;
    } catch (error) {
      if (!isAssetSyncError(error)) throw error;
    }
  }
  throw first;
}

function uniquePins(pins: Pin[]): Pin[] {
  return [...new Map(pins.map((p) => [pinKey(p), p])).values()];
}
