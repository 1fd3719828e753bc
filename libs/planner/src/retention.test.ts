import { describe, expect, it } from 'vitest';
import { parseDuration, planAdopt, planRetention } from '@asset-sync/planner';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);
const DAY = 86_400;

describe('planRetention', () => {
  const refs = [
    { ref: 'refs/heads/main', commit: A },
    { ref: 'refs/heads/auto/old', commit: B },
    { ref: 'refs/heads/feature', commit: C },
    { ref: 'refs/tags/python/x_aaaaaaaaaa', commit: A },
    { ref: 'refs/tags/python/y_bbbbbbbbbb', commit: B },
    { ref: 'refs/tags/python/z_cccccccccc', commit: C },
  ];

  it('keeps main, other branches and whatever is referenced by name or by commit', () => {
    const plan = planRetention({ refs, used: { tags: ['python/x_aaaaaaaaaa'], shas: [B], branches: [] }, now: 0 });
    expect(plan.candidates.map((c) => c.ref)).toEqual(['refs/tags/python/z_cccccccccc']);
    expect(Object.fromEntries(plan.kept.map((k) => [k.ref, k.why]))).toEqual({
      'refs/heads/main': 'not-auto-branch',
      'refs/heads/feature': 'not-auto-branch',
      'refs/heads/auto/old': 'referenced',
      'refs/tags/python/x_aaaaaaaaaa': 'referenced',
      'refs/tags/python/y_bbbbbbbbbb': 'referenced',
    });
  });

  it('with an age limit, keeps the unreferenced refs whose commit is newer (or of unknown date)', () => {
    const now = 100 * DAY;
    const plan = planRetention({ refs, used: { tags: [], shas: [], branches: [] }, olderThanSeconds: 30 * DAY, dates: { [A]: now - 60 * DAY, [B]: now - 10 * DAY }, now });
    expect(plan.candidates.map((c) => c.ref)).toEqual(['refs/tags/python/x_aaaaaaaaaa']);
    expect(plan.kept.filter((k) => k.why === 'too-recent').map((k) => k.ref)).toEqual(['refs/heads/auto/old', 'refs/tags/python/y_bbbbbbbbbb', 'refs/tags/python/z_cccccccccc']);
  });
});

describe('parseDuration', () => {
  it.each([
    ['30d', 30 * DAY],
    ['4w', 28 * DAY],
    ['12h', 12 * 3600],
    ['1w2d', 9 * DAY],
  ])('%s', (text, seconds) => expect(parseDuration(text)).toBe(seconds));
  it.each(['', '30', 'd', '-1d', '1y', '0d', '3 days'])('refuses %j', (text) => expect(parseDuration(text)).toBeUndefined());
});

describe('planAdopt', () => {
  it('copies what only the fork has, and refuses a name the assets repo has at another commit', () => {
    const upstream = new Map([['t/same', A], ['t/clash', A], ['t/up-only', C]]);
    const fork = new Map([['t/same', A], ['t/clash', B], ['t/new', B]]);
    expect(planAdopt(['t/new', 't/same', 't/clash', 't/up-only', 't/none', 't/new'], upstream, fork)).toEqual([
      { tag: 't/clash', action: 'conflict', commit: B, upstreamCommit: A },
      { tag: 't/new', action: 'copy', commit: B },
      { tag: 't/none', action: 'missing' },
      { tag: 't/same', action: 'upstream', commit: A, upstreamCommit: A },
      { tag: 't/up-only', action: 'upstream', commit: C, upstreamCommit: C },
    ]);
  });
});
