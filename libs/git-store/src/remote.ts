import { AssetSyncError, isAssetSyncError, redact } from '@asset-sync/errors';
import { assertNotOption, splitCredentials } from './run.js';
import { parseLsRemote, parsePushPorcelain, type PushStatus } from './porcelain.js';
import { chunkByLength, remoteOf, type Store } from './store.js';

/*
 * Talking to the assets repo's server from a store: which refs it has (`ls-remote`, one parser)
 * and publishing refs (`push --porcelain`, one parser). Many refs go in one push (pushRefs, for
 * migrate and gc backups); one commit under one ref in pushRef (push, resolve, merge).
 */

const HEX40 = /^[0-9a-f]{40}$/;

export interface RemoteRefQuery {
  tags?: boolean;
  heads?: boolean;
  /** Tail-matched patterns (`ls-remote` semantics), e.g. `refs/tags/python/*`. */
  patterns?: string[];
  /** Ask this URL instead of the store's origin (a fork, a backup). */
  url?: string;
}

/** Refs the server has (`ls-remote`), full name -> commit id. Annotated tags resolve to their commit. */
export async function listRemoteRefs(store: Store, query: RemoteRefQuery = {}): Promise<Map<string, string>> {
  for (const pattern of query.patterns ?? []) assertNotOption(pattern, 'the ref pattern');
  const remote = remoteOf(query.url);
  const args = ['ls-remote', ...(query.tags ? ['--tags'] : []), ...(query.heads ? ['--heads'] : []), remote.name, ...(query.patterns ?? [])];
  const result = await store.git(args, { network: true, config: remote.settings });
  const refs = new Map<string, string>();
  for (const { ref, oid } of parseLsRemote(result.stdout)) {
    if (ref.endsWith('^{}')) refs.set(ref.slice(0, -3), oid);
    else if (!refs.has(ref)) refs.set(ref, oid);
  }
  return refs;
}

/**
 * The commit a ref points at on the server (one ls-remote), or undefined when it does not exist.
 * `url` asks another remote than the store's origin (a fork). An annotated tag gives the tag
 * object's id, as the server advertises it.
 */
export async function remoteRef(store: Store, ref: string, url?: string): Promise<string | undefined> {
  assertNotOption(ref, 'the ref');
  const remote = remoteOf(url);
  const result = await store.git(['ls-remote', remote.name, ref], { network: true, config: remote.settings });
  return parseLsRemote(result.stdout).find((line) => line.ref === ref)?.oid;
}

export interface PushRefsOptions {
  /** Every ref or none (when the server supports it). Default true. */
  atomic?: boolean;
  /** Smaller packs at the cost of time; default false: objects go as the store holds them. */
  deltas?: boolean;
  onProgress?: (text: string) => void;
  /** Push to this URL instead of the store's origin (a backup, or upstream from a copy). */
  url?: string;
}

export interface PushRefResult {
  /** The server already had the ref at this commit: nothing was sent. */
  alreadyThere: boolean;
}

export interface PushedRef {
  ref: string;
  oid: string;
  status: PushStatus;
  reason?: string;
}

const PUSH_NAMESPACE = 'refs/asset-sync/push';

/**
 * Pushes many refs in one `git push`: they are written under a private namespace of the store
 * (`update-ref --stdin`, no argument list to overflow) and sent with two glob refspecs, one for
 * tags and one for branches. Nothing is forced: an existing tag or a branch that would not fast-
 * forward is rejected by the server, never overwritten.
 */
export async function pushRefs(store: Store, refs: Array<{ ref: string; oid: string }>, options: PushRefsOptions = {}): Promise<PushedRef[]> {
  if (refs.length === 0) return [];
  const kinds = new Set<string>();
  const local: string[] = [];
  for (const { ref, oid } of refs) {
    if (!HEX40.test(oid)) throw new AssetSyncError('GIT_FAILED', `not a commit id: ${oid}`);
    const match = /^refs\/(tags|heads)\/(.+)$/.exec(ref);
    if (!match || /[\0\n]/.test(ref)) throw new AssetSyncError('GIT_FAILED', `refusing to push ${JSON.stringify(ref)}: only refs/tags/* and refs/heads/* are pushed`);
    kinds.add(match[1]!);
    local.push(`create ${PUSH_NAMESPACE}/${match[1]}/${match[2]}\0${oid}\0`);
  }
  await clearPushNamespace(store);
  try {
    await store.git(['update-ref', '-z', '--stdin'], { input: local.join('') });
    const refspecs = [...kinds].sort().map((kind) => `${PUSH_NAMESPACE}/${kind}/*:refs/${kind}/*`);
    const config = options.deltas ? [] : ['-c', 'pack.window=0'];
    const push = async (atomic: boolean) =>
      store.git([...config, 'push', '--porcelain', '--progress', ...(atomic ? ['--atomic'] : []), options.url ?? 'origin', ...refspecs], {
        network: true,
        okExitCodes: [1],
        ...(options.onProgress ? { onStderr: options.onProgress } : {}),
      });
    let result = await push(options.atomic !== false);
    if (result.exitCode !== 0 && /does not support --atomic/i.test(result.stderr)) result = await push(false);
    const pushed = parsePushPorcelain(result.stdout);
    const wanted = new Map(refs.map((r) => [r.ref, r.oid]));
    const outcomes: PushedRef[] = [];
    for (const [ref, oid] of wanted) {
      const line = pushed.get(ref);
      if (line) outcomes.push({ ref, oid, ...line });
      else outcomes.push({ ref, oid, status: 'rejected', reason: result.exitCode === 0 ? 'not reported by git push' : lastLines(result.stderr) });
    }
    if (result.exitCode !== 0 && outcomes.every((o) => o.status !== 'rejected')) {
      throw new AssetSyncError('PUSH_REJECTED', `git push to ${redact(options.url ?? store.url)} failed:\n${redact(lastLines(result.stderr))}`);
    }
    return outcomes;
  } finally {
    await clearPushNamespace(store);
  }
}

async function clearPushNamespace(store: Store): Promise<void> {
  const listed = await store.git(['for-each-ref', '--format=%(refname)', `${PUSH_NAMESPACE}/`]);
  const stale = listed.stdout.split('\n').filter(Boolean);
  if (stale.length > 0) await store.git(['update-ref', '-z', '--stdin'], { input: stale.map((ref) => `delete ${ref}\0\0`).join('') });
}

function lastLines(text: string): string {
  return text.trim().split('\n').filter(Boolean).slice(-6).join('\n');
}

/**
 * Publishes a commit under a ref (a tag, or a branch that must fast-forward). A branch that moved
 * meanwhile, or a tag that exists at another commit, is reported as PUSH_REJECTED, so the caller
 * can rebuild on the new head and retry.
 */
export async function pushRef(store: Store, commit: string, ref: string, options: { url?: string } = {}): Promise<PushRefResult> {
  assertNotOption(ref, 'the ref');
  if (options.url !== undefined) assertNotOption(options.url, 'the remote URL');
  if (!HEX40.test(commit)) throw new AssetSyncError('GIT_FAILED', `not a commit id: ${commit}`);
  // Another remote's credentials travel as a header scoped to it, like origin's: never in argv.
  const other = options.url === undefined ? undefined : splitCredentials(options.url);
  const result = await store
    .git(['push', '--porcelain', other?.url ?? 'origin', `${commit}:${ref}`], { network: true, okExitCodes: [1], config: other?.config ?? [] })
    .catch((error: unknown) => {
      const failed = isAssetSyncError(error, 'GIT_FAILED') || isAssetSyncError(error, 'REMOTE_UNREACHABLE') || isAssetSyncError(error, 'NETWORK');
      throw failed ? pushRefFailure(ref, error.message, error) : error;
    });
  const pushed = parsePushPorcelain(result.stdout);
  // One refspec was pushed: its line is the one printed, whatever name git gives the remote ref.
  const line = pushed.get(ref) ?? [...pushed.values()][0];
  if (line?.status === 'rejected' && movedMeanwhile(line.reason ?? '')) {
    throw new AssetSyncError('PUSH_REJECTED', `the assets repo rejected ${ref}: it moved since it was read`);
  }
  if (result.exitCode !== 0 || !line || line.status === 'rejected') {
    throw pushRefFailure(ref, line?.reason ?? lastLines(redact(result.stderr)));
  }
  return { alreadyThere: line.status === 'up-to-date' };
}

/**
 * Whether a rejection means the ref moved since it was read: refused by the client or the server
 * as not a fast-forward or an existing tag, or (a push that raced another one) the server found
 * the ref at another commit when it came to update it. A hook's refusal is not that.
 */
function movedMeanwhile(reason: string): boolean {
  if (!reason.startsWith('[remote rejected]')) return true;
  return /failed to update ref|cannot lock ref|but expected|non-fast-forward|fetch first|already exists/.test(reason);
}

/** A push that failed for another reason than a moved ref: unreachable, no permission, a hook. */
function pushRefFailure(ref: string, detail: string, cause?: AssetSyncError): AssetSyncError {
  const code = cause?.code === 'REMOTE_UNREACHABLE' || cause?.code === 'NETWORK' ? cause.code : 'GIT_FAILED';
  return new AssetSyncError(code, `git push of ${ref} failed: ${detail.trim().split('\n').slice(-4).join('\n')}`, {
    hint: 'Check that you may push to the assets repo (GIT_TOKEN for https remotes), then run push again: it picks up where it stopped.',
    ...(cause === undefined ? {} : { cause }),
  });
}

/** Deletes refs on the store's origin (or `url`), a few hundred per push. Returns those deleted. */
export async function deleteRemoteRefs(store: Store, refs: string[], url?: string): Promise<string[]> {
  const remote = url ?? 'origin';
  assertNotOption(remote, 'the remote URL');
  for (const ref of refs) if (!/^refs\/(tags|heads)\/[^\s]+$/.test(ref)) throw new AssetSyncError('GIT_FAILED', `refusing to delete ${JSON.stringify(ref)}`);
  const deleted: string[] = [];
  for (const chunk of chunkByLength(refs, 30_000)) {
    await store.git(['push', '--porcelain', remote, ...chunk.map((r) => `:${r}`)], { network: true });
    deleted.push(...chunk);
  }
  return deleted;
}
