import { describe, expect, it } from 'vitest';
import { negotiationTipsOf } from './refs.js';

describe('negotiationTipsOf', () => {
  it("offers a pushed tag's earlier pushes (its prefix) and the branches", () => {
    expect(
      negotiationTipsOf([
        { kind: 'tag', tag: 'python/tables/azure-data-tables_2c1f999fe0' },
        { kind: 'tag', tag: 'python/tables/azure-data-tables_0123456789' },
        { kind: 'sha', sha: 'a'.repeat(40) },
      ]),
    ).toEqual(['refs/remotes/origin/*', 'refs/tags/python/tables/azure-data-tables_*']);
  });

  it('adds no pattern for a tag not named the way push names them', () => {
    expect(negotiationTipsOf([{ kind: 'tag', tag: 'release-2024' }, { kind: 'tag', tag: 'x_ZZZZZZZZZZ' }])).toEqual(['refs/remotes/origin/*']);
  });

  it('adds no pattern when the prefix left is not a ref name', () => {
    expect(negotiationTipsOf([{ kind: 'tag', tag: 'python/._2c1f999fe0' }])).toEqual(['refs/remotes/origin/*']);
  });
});
