import { describe, expect, it } from 'vitest';
import { add, clone, formatIndex, formatShape, numel, reshape, scalar, takeRows, tensor, unravel, zeros } from '../reference/tensor';

/** The reference tensor's helpers, checked on their own (the ops use them; the models' minibatches use takeRows). */
describe('reference tensor', () => {
  const x = tensor([3, 2], [0, 1, 2, 3, 4, 5]);

  it('counts elements, the empty shape being a scalar', () => {
    expect(numel([2, 3, 4])).toBe(24);
    expect(numel([])).toBe(1);
    expect(Array.from(scalar(2.5).data)).toEqual([2.5]);
    expect(scalar(2.5).shape).toEqual([]);
  });

  it('copies its data and rejects data of another length', () => {
    const data = [1, 2];
    const t = tensor([2], data);
    data[0] = 9;
    expect(Array.from(t.data)).toEqual([1, 2]);
    expect(Array.from(zeros([2, 2]).data)).toEqual([0, 0, 0, 0]);
    expect(() => tensor([2, 3], [1, 2, 3, 4, 5])).toThrow('tensor: data has 5 elements, shape [2, 3] needs 6');
  });

  it('takes rows along the first axis, in the order asked, repeats allowed', () => {
    const rows = takeRows(x, [2, 0, 2]);
    expect(rows.shape).toEqual([3, 2]);
    expect(Array.from(rows.data)).toEqual([4, 5, 0, 1, 4, 5]);
    expect(Array.from(takeRows(tensor([3], [7, 8, 9]), [1]).data)).toEqual([8]);
  });

  it('adds, clones (a copy) and reshapes (a view of the same size only)', () => {
    expect(Array.from(add(x, x).data)).toEqual([0, 2, 4, 6, 8, 10]);
    const c = clone(x);
    expect(c.data).not.toBe(x.data);
    expect(Array.from(c.data)).toEqual(Array.from(x.data));
    const r = reshape(x, [2, 3]);
    expect(r.shape).toEqual([2, 3]);
    expect(r.data).toBe(x.data);
    expect(() => reshape(x, [4])).toThrow('reshape: cannot view [3, 2] as [4]');
  });

  it('formats shapes and row-major indices, a scalar as []', () => {
    expect(unravel(5, [2, 3])).toEqual([1, 2]);
    expect(formatShape([2, 3])).toBe('[2, 3]');
    expect(formatIndex(5, [2, 3])).toBe('[1, 2]');
    expect(formatIndex(0, [])).toBe('[]');
  });
});
