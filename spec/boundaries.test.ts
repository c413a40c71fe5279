import { describe, expect, it } from 'vitest';
import { dropoutForward } from '../reference/dropout';
import { uniformAt } from '../reference/init';
import { tensor } from '../reference/tensor';

/** Conventions exactly at a boundary that no row's random or edge cases reach (found by `npm run mutation`). */
describe('dropout', () => {
  it('keeps an element whose draw equals p exactly (dropped only when the draw is below p)', () => {
    const seed = 11;
    const p = uniformAt(seed, 0); // a multiple of 2⁻²⁴ in [0, 1)
    const { out } = dropoutForward(tensor([2], [3, 5]), { p, train: true, seed });
    expect(out.data[0]).toBe(3 / (1 - p));
  });
});
