import { describe, expect, it } from 'vitest';
import { makeRng, randnTensor } from '../reference/rng';
import { tensor } from '../reference/tensor';
import { InputError, requireLabels, requireNumber, requireRank, requireShape } from '../reference/validate';
import { parseCase, serializeCase, type CaseFile } from './harness/casefile';
import { compare } from './harness/tolerance';

/** The shared machinery: validation messages, seeded randomness, case-file precision, comparison. */
describe('validation messages name op, argument, expectation and actual value', () => {
  it.each([
    [() => requireRank('op', 'x', tensor([2]), 2), 'op: x: expected rank 2, got rank 1 (shape [2])'],
    [() => requireShape('op', 'w', tensor([3, 4]), [5, 'M'], 'D = 5 from x'), 'op: w: expected shape [5, M] (D = 5 from x), got [3, 4]'],
    [() => requireLabels('op', 'y', tensor([3], [0, 1, 7]), 4), 'op: y: expected labels in [0, 3], got 7 at [2]'],
    [() => requireNumber('op', 'stride', 0, { min: 1, integer: true }), 'op: stride: expected an integer ≥ 1, got 0'],
    [() => requireNumber('op', 'p', 'half', { min: 0, max: 1 }), 'op: p: expected a number ≥ 0 and ≤ 1, got "half"'],
  ])('%#', (check, message) => {
    expect(check).toThrow(InputError);
    expect(check).toThrow(message);
  });
});

it('seeded randomness repeats exactly', () => {
  expect(randnTensor([5], makeRng(42)).data).toEqual(randnTensor([5], makeRng(42)).data);
  expect(randnTensor([5], makeRng(42)).data).not.toEqual(randnTensor([5], makeRng(43)).data);
});

it('case files keep float64 values exactly', () => {
  const tricky = [0.1 + 0.2, 1e-320, -5e-324, 1.7976931348623157e308, -0.5, 123456789.12345679, 2 ** -1074];
  const c: CaseFile = { op: 'relu', params: { k: 1 }, inputs: { x: { shape: [7], data: tricky } }, outputs: {} };
  const back = parseCase(serializeCase(c), 'memory');
  expect(back.inputs.x.data).toEqual(tricky);
  expect(serializeCase(back)).toBe(serializeCase(c));
});

it('comparison reports the worst element by index and flags NaN', () => {
  const expected = tensor([2, 2], [1, 2, 3, 4]);
  const c = compare('out', tensor([2, 2], [1, 2, 3.5, 4]), expected, { atol: 1e-5, rtol: 1e-4 });
  expect(c.ok).toBe(false);
  expect(c.worst).toEqual({ index: '[1, 0]', actual: 3.5, expected: 3 });
  expect(compare('out', tensor([2, 2], [1, NaN, 3, 4]), expected, { atol: 1, rtol: 1 }).ok).toBe(false);
  expect(compare('out', tensor([4], [1, 2, 3, 4]), expected, { atol: 1, rtol: 1 }).problem).toBe('out: shape [4], expected [2, 2]');
});
