import { DEFAULT_BRANCH_PREFIX } from '@asset-sync/assets-json';

/**
 * Which refs of an assets repo go, which stay and why; and which of a fork's tags `adopt` copies.
 * Pure: the refs, the pins the language repo references and the commit dates are arguments.
 */

export interface RemoteRefFact {
  ref: string;
  commit: string;
}

/** What the scanned language-repo refs reference in one assets repo. */
export interface ReferencedPins {
  tags: string[];
  shas: string[];
  branches: string[];
}

export interface RetentionInput {
  refs: RemoteRefFact[];
  used: ReferencedPins;
  /** Only refs whose commit is older than this many seconds may go; undefined: any age. */
  olderThanSeconds?: number;
  /** Committer date (seconds since the epoch) per commit; needed with olderThanSeconds. */
  dates?: Record<string, number>;
  /** Seconds since the epoch. */
  now: number;
}

export type KeptReason = 'referenced' | 'not-auto-branch' | 'too-recent';

export interface RetentionPlan {
  /** Unreferenced tags and auto/* branches old enough to go. */
  candidates: RemoteRefFact[];
  kept: Array<RemoteRefFact & { why: KeptReason }>;
}

/**
 * The retention policy the Azure SDK teams designed: a tag or `auto/*` branch goes when no scanned
 * assets.json references it (by name or by its commit) and, with `olderThanSeconds`, when its
 * commit is older than that. Other branches (main) always stay.
 */
export function planRetention(input: RetentionInput): RetentionPlan {
  const tags = new Set(input.used.tags);
  const shas = new Set(input.used.shas);
  const branches = new Set(input.used.branches);
  const plan: RetentionPlan = { candidates: [], kept: [] };
  for (const fact of [...input.refs].sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0))) {
    const tag = fact.ref.startsWith('refs/tags/') ? fact.ref.slice('refs/tags/'.length) : undefined;
    const head = fact.ref.startsWith('refs/heads/') ? fact.ref.slice('refs/heads/'.length) : undefined;
    if (tag === undefined && !head?.startsWith(DEFAULT_BRANCH_PREFIX)) {
      plan.kept.push({ ...fact, why: 'not-auto-branch' });
      continue;
    }
    const referenced = shas.has(fact.commit) || (tag !== undefined ? tags.has(tag) : branches.has(head!));
    if (referenced) {
      plan.kept.push({ ...fact, why: 'referenced' });
      continue;
    }
    const date = input.dates?.[fact.commit];
    const recent = input.olderThanSeconds !== undefined && (date === undefined || input.now - date < input.olderThanSeconds);
    if (recent) plan.kept.push({ ...fact, why: 'too-recent' });
    else plan.candidates.push(fact);
  }
  return plan;
}

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/** `30d`, `4w`, `12h`, `90m`, `45s` (or several, `1w2d`) in seconds; undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^(\d+[smhdw])+$/.test(trimmed)) return undefined;
  let seconds = 0;
  for (const match of trimmed.matchAll(/(\d+)([smhdw])/g)) seconds += Number(match[1]) * UNITS[match[2]!]!;
  return seconds > 0 ? seconds : undefined;
}

export type AdoptAction =
  /** Only the fork has it: copied upstream with the same commit id. */
  | 'copy'
  /** The assets repo has it already (at the fork's commit, or the fork lacks it). */
  | 'upstream'
  /** The assets repo has this tag name at another commit than the fork: refused. */
  | 'conflict'
  /** Neither has it. */
  | 'missing';

export interface AdoptDecision {
  tag: string;
  action: AdoptAction;
  /** The commit the tag names where it is found (the fork's for copy and conflict). */
  commit?: string;
  upstreamCommit?: string;
}

/** What adopt does with each pinned tag, from what the assets repo and the fork have. */
export function planAdopt(tags: string[], upstream: Map<string, string>, fork: Map<string, string>): AdoptDecision[] {
  return [...new Set(tags)].sort().map((tag) => {
    const up = upstream.get(tag);
    const theirs = fork.get(tag);
    if (up !== undefined && theirs !== undefined && up !== theirs) return { tag, action: 'conflict', commit: theirs, upstreamCommit: up };
    if (up !== undefined) return { tag, action: 'upstream', commit: up, upstreamCommit: up };
    if (theirs !== undefined) return { tag, action: 'copy', commit: theirs };
    return { tag, action: 'missing' };
  });
}
