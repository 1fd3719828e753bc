import { checkRefName, TAG_SHA_DIGITS, tagPrefixOfTag, type Pin } from '@asset-sync/assets-json';

/** Where each kind of pin is kept in a store, so fetched pins survive and resolve offline. */
export function localRefOf(pin: Pin): string {
  switch (pin.kind) {
    case 'tag':
      return `refs/tags/${pin.tag}`;
    case 'sha':
      return `refs/asset-sync/pins/${pin.sha}`;
    case 'branch-head':
      return `refs/remotes/origin/${pin.branch}`;
  }
}

/** The refspec that fetches a pin into its local ref. */
export function refspecOf(pin: Pin): string {
  switch (pin.kind) {
    case 'tag':
      return `+refs/tags/${pin.tag}:refs/tags/${pin.tag}`;
    case 'sha':
      return `${pin.sha}:refs/asset-sync/pins/${pin.sha}`;
    case 'branch-head':
      return `+refs/heads/${pin.branch}:refs/remotes/origin/${pin.branch}`;
  }
}

/**
 * The object name that resolves a pin to a commit locally. Always a ref, even for a SHA pin: in
 * a partial clone, asking for an object the store lacks makes git fetch it on the spot, one
 * request per pin; a missing ref is just missing, and the pins are then fetched together.
 */
export function commitExpressionOf(pin: Pin): string {
  return `${localRefOf(pin)}^{commit}`;
}

/** A literal pathspec (no globbing, no magic from the name itself). */
export function literalPathspec(path: string): string {
  return path === '' ? ':(top,literal).' : `:(top,literal)${path}`;
}

export function excludePathspec(path: string): string {
  return `:(top,exclude,literal)${path}`;
}

const PUSHED_TAG = new RegExp(`_[0-9a-f]{${TAG_SHA_DIGITS}}$`);

/**
 * Where a fetch of these pins starts the list of commits the store already has
 * (`--negotiation-tip`). Left to itself, git offers the history of every ref, newest first, 16,
 * 32, … 256 commits a round, one round trip each, until the server has seen enough: with a few
 * hundred tags in the store that was five rounds before any data flowed. A package's new push
 * sits on top of its earlier ones, so its earlier tags (the same prefix) and the branches, main
 * among them, are the commits that matter. A store with none of them offers nothing, and the
 * server sends the pins' history whole, which for a chain of one package's pushes is small.
 */
export function negotiationTipsOf(pins: readonly Pin[]): string[] {
  const tips = new Set<string>(['refs/remotes/origin/*']);
  for (const pin of pins) {
    if (pin.kind !== 'tag' || !PUSHED_TAG.test(pin.tag)) continue;
    const prefix = tagPrefixOfTag(pin.tag);
    // A ref name cannot hold glob characters, so a valid prefix adds no pattern of its own.
    if (checkRefName(prefix) === undefined) tips.add(`refs/tags/${prefix}_*`);
  }
  return [...tips];
}
