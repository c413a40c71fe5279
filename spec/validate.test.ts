import { describe, expect, it } from 'vitest';
import { describeRange, InputError, requireNumber } from '../reference/validate';

/**
 * The message machinery of reference/validate.ts, checked on its own: the rows' error cases reach
 * most of it through their ops, but not every wording (an open upper bound) or the error's name.
 */
describe('input errors', () => {
  it('are InputErrors named so, with the message `op: arg: expected …, got …`', () => {
    const e = new InputError('affine', 'x', 'rank 2', 'rank 3');
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('InputError');
    expect(String(e)).toBe('InputError: affine: x: expected rank 2, got rank 3');
  });

  it('word each kind of bound', () => {
    expect(describeRange({ min: 0, below: 1 })).toBe('a number ≥ 0 and < 1');
    expect(describeRange({ above: 0, max: 1 })).toBe('a number > 0 and ≤ 1');
    expect(describeRange({ min: 1, integer: true })).toBe('an integer ≥ 1');
    expect(describeRange({})).toBe('a number');
  });

  it('reject a number given as a string, though it would compare as one', () => {
    expect(() => requireNumber('sgd', 'lr', '0.1', { min: 0 })).toThrow('sgd: lr: expected a number ≥ 0, got "0.1"');
    expect(() => requireNumber('sgd', 'lr', 0.1, { min: 0 })).not.toThrow();
  });
});
