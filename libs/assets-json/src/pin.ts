import { DEFAULT_FALLBACK_BRANCH, type AssetsJson } from './model.js';

/**
 * A pin: what names one commit of an assets repo. An assets.json pins a Tag or a SHA; one with
 * nothing pushed yet means the head of its fallback branch, and push and merge ask for the head
 * of a branch too. Everything that fetches, resolves, looks up or reports a pin uses this type.
 */
export type Pin = { kind: 'tag'; tag: string } | { kind: 'sha'; sha: string } | { kind: 'branch-head'; branch: string };

/**
 * The pin field of an assets.json as written: a Tag, a SHA, or `none` (an empty `Tag` or an
 * absent `SHA`: nothing was pushed yet). `pinOrFallback` turns it into the `Pin` it means.
 */
export type WrittenPin = Exclude<Pin, { kind: 'branch-head' }> | { kind: 'none' };

/** What an assets.json's pin field says. */
export function pinOf(assetsJson: AssetsJson): WrittenPin {
  if (assetsJson.dialect === 'tag') {
    return assetsJson.tag ? { kind: 'tag', tag: assetsJson.tag } : { kind: 'none' };
  }
  return assetsJson.sha ? { kind: 'sha', sha: assetsJson.sha } : { kind: 'none' };
}

/** The pin a written pin means: nothing pushed yet is the head of the fallback branch. */
export function pinOrFallback(pin: WrittenPin, fallbackBranch: string): Pin {
  return pin.kind === 'none' ? { kind: 'branch-head', branch: fallbackBranch } : pin;
}

/** The key a pin is looked up by (fetched, resolved and peeled pins are maps keyed by it). */
export function pinKey(pin: Pin): string {
  switch (pin.kind) {
    case 'tag':
      return `tag:${pin.tag}`;
    case 'sha':
      return `sha:${pin.sha}`;
    case 'branch-head':
      return `branch:${pin.branch}`;
  }
}

/** A pin as one short phrase for messages: `Tag python/tables_26ba55dfd5`, `SHA 3a56979db272...`. */
export function describePin(pin: Pin | WrittenPin, fallbackBranch = DEFAULT_FALLBACK_BRANCH): string {
  switch (pin.kind) {
    case 'tag':
      return `Tag ${pin.tag}`;
    case 'sha':
      return `SHA ${pin.sha}`;
    case 'branch-head':
      return `the head of branch ${pin.branch}`;
    case 'none':
      return `nothing pushed yet (the head of branch ${fallbackBranch})`;
  }
}
