import fc from 'fast-check';
import * as twin from '../accelerated/positional_encoding';
import * as ref from '../reference/positional_encoding';
import { tensor } from '../reference/tensor';
import { dim, makeSample, samples } from './harness/arbitraries';
import { type OpDef } from './harness/op';
import { forwardOnly, notDifferentiated } from './optimizers';

const io = [['positions'], ['out']] as const;
const OP = 'positional_encoding';

/**
 * The course notes give params T and E and no input; this row takes positions (T) as an integer input
 * and E as its param (docs/ops.md "positional_encoding"): positions 0 … T − 1 (the notes' table),
 * or an offset run start … start + T − 1 (decoding step by step). Odd E included.
 */
const MAX_START = 100;
const encodingSamples = (maxT: number, maxE: number) =>
  samples(fc.record({ T: dim(1, maxT), E: dim(1, maxE), start: fc.oneof(fc.constant(0), dim(1, MAX_START)) }), ({ T, E, start }) => ({
    inputs: {
      positions: tensor(
        [T],
        Array.from({ length: T }, (_, t) => start + t),
      ),
    },
    params: { E },
  }));

const range = (n: number) =>
  tensor(
    [n],
    Array.from({ length: n }, (_, t) => t),
  );

export const positional_encoding: OpDef = {
  id: OP,
  inputs: [{ name: 'positions', kind: 'int', differentiable: false }],
  outputs: ['out'],
  reference: forwardOnly(...io, ref.positionalEncodingForward),
  twin: forwardOnly(...io, twin.positionalEncodingForward),
  validate: ({ positions }, params) => void ref.validatePositionalEncoding(positions, params),
  sample: encodingSamples(50, 40),
  gradSample: encodingSamples(6, 6),
  edgeCases: [
    makeSample({ positions: range(4) }, { E: 6 }),
    makeSample({ positions: range(3) }, { E: 5 }),
    makeSample({ positions: tensor([1], [0]) }, { E: 1 }),
    makeSample({ positions: tensor([3], [7, 2, 1000]) }, { E: 8 }),
  ],
  errors: [
    {
      title: 'positions of rank 2',
      sample: makeSample({ positions: tensor([2, 2]) }, { E: 4 }),
      message: `${OP}: positions: expected rank 1, got rank 2 (shape [2, 2])`,
    },
    {
      title: 'negative position',
      sample: makeSample({ positions: tensor([3], [0, -1, 2]) }, { E: 4 }),
      message: `${OP}: positions: expected integer positions in [0, 16777215], got -1 at [1]`,
    },
    {
      // 2²⁴ is the first position float32 cannot tell from its neighbour 2²⁴ + 1
      title: 'position 2²⁴',
      sample: makeSample({ positions: tensor([2], [0, 2 ** 24]) }, { E: 4 }),
      message: `${OP}: positions: expected integer positions in [0, 16777215], got 16777216 at [1]`,
    },
    {
      title: 'fractional position',
      sample: makeSample({ positions: tensor([2], [0, 1.5]) }, { E: 4 }),
      message: `${OP}: positions: expected integer positions in [0, 16777215], got 1.5 at [1]`,
    },
    {
      title: 'NaN position',
      sample: makeSample({ positions: tensor([2], [NaN, 1]) }, { E: 4 }),
      message: `${OP}: positions: expected integer positions in [0, 16777215], got NaN at [0]`,
    },
    { title: 'E missing', sample: makeSample({ positions: range(3) }), message: `${OP}: E: expected an integer ≥ 1, got undefined` },
    { title: 'E of 0', sample: makeSample({ positions: range(3) }, { E: 0 }), message: `${OP}: E: expected an integer ≥ 1, got 0` },
  ],
  // sin/cos of angles up to the largest position p: float32 carries the angle to ~p·2⁻²⁴ and the
  // frequency exp(−(2i/E)·ln 10000) to a few ulps, so the error grows with p (1e-5 for p ≲ 20).
  tolerance: ({ inputs }) => ({ atol: 1e-5 * Math.max(1, Math.max(...inputs.positions.data) / 20), rtol: 1e-4 }),
  reasons: notDifferentiated('a constant table of integer positions, not differentiated'),
};
