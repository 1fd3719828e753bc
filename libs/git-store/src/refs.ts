import type { Pin } from '@asset-sync/assets-json';

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
