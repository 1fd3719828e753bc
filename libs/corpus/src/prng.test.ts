import { describe, expect, it } from 'vitest';
import { Prng } from '@asset-sync/corpus';

describe('Prng', () => {
  it('repeats for a seed and differs between seeds', () => {
    const draw = (seed: string | number): number[] => {
      const rng = new Prng(seed);
      return Array.from({ length: 5 }, () => rng.nextUint32());
    };
    expect(draw('a')).toEqual(draw('a'));
    expect(draw('a')).not.toEqual(draw('b'));
    expect(draw(1)).toEqual(draw('1'));
  });

  it('forks independent streams that do not depend on what the parent drew later', () => {
    const a = new Prng('s');
    const forkA = a.fork('pkg').hex(16);
    a.next();
    const b = new Prng('s');
    expect(b.fork('pkg').hex(16)).toBe(forkA);
    expect(b.fork('other').hex(16)).not.toBe(forkA);
  });

  it('stays in range and looks uniform', () => {
    const rng = new Prng('range');
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) {
      const n = rng.int(0, 3);
      counts[n]! += 1;
      const x = rng.next();
      expect(x >= 0 && x < 1).toBe(true);
    }
    for (const count of counts) expect(count).toBeGreaterThan(850);
    expect(rng.uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(rng.hex(13)).toMatch(/^[0-9a-f]{13}$/);
  });
});
