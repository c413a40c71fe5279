import fc from 'fast-check';
import * as twin from '../accelerated/chamfer_distance';
import * as ref from '../reference/chamfer_distance';
import { randnTensor } from '../reference/rng';
import { tensor, type Tensor } from '../reference/tensor';
import { dim, makeSample, samples } from './harness/arbitraries';
import { courseImpl, type OpDef } from './harness/op';

const io = [['P', 'Q'], ['loss']] as const;
/** Nearest and second-nearest squared distances must differ by this much (relative): no ties. */
const TIE_GAP = 1e-2;

/** Squared distances from point i of `from` to every point of `to`. */
const distances = (from: Tensor, i: number, to: Tensor): number[] =>
  Array.from(
    { length: to.shape[0] },
    (_, j) => (from.data[3 * i] - to.data[3 * j]) ** 2 + (from.data[3 * i + 1] - to.data[3 * j + 1]) ** 2 + (from.data[3 * i + 2] - to.data[3 * j + 2]) ** 2,
  );

/**
 * Pulls a point a third of the way toward its nearest neighbour while the nearest and second
 * nearest are within TIE_GAP of each other, in passes over both clouds, so that float32 picks the
 * same neighbours as float64 and finite differences never cross a switch of neighbour.
 */
function neighboursWithoutTies(P: Tensor, Q: Tensor): void {
  for (let pass = 0; pass < 20; pass++) {
    let moved = false;
    for (const [from, to] of [
      [P, Q],
      [Q, P],
    ]) {
      for (let i = 0; i < from.shape[0] && to.shape[0] > 1; i++) {
        const d = distances(from, i, to);
        const order = d.map((_, j) => j).sort((a, b) => d[a] - d[b]);
        if (d[order[1]] - d[order[0]] >= TIE_GAP * (1 + d[order[0]])) continue;
        for (let c = 0; c < 3; c++) from.data[3 * i + c] += (to.data[3 * order[0] + c] - from.data[3 * i + c]) / 3;
        moved = true;
      }
    }
    if (!moved) return;
  }
}

/** Clouds of 1–maxN and 1–maxM points (of different sizes), Q shifted from P. */
const chamferSamples = (maxN: number) =>
  samples(fc.record({ N: dim(1, maxN), M: dim(1, maxN) }), ({ N, M }, rng) => {
    const P = randnTensor([N, 3], rng);
    const Q = tensor(
      [M, 3],
      randnTensor([M, 3], rng).data.map((v) => v + 0.3),
    );
    neighboursWithoutTies(P, Q);
    return { inputs: { P, Q } };
  });

const ok = { P: tensor([2, 3]), Q: tensor([1, 3]) };

export const chamfer_distance: OpDef = {
  id: 'chamfer_distance',
  inputs: [
    { name: 'P', kind: 'float', differentiable: true },
    { name: 'Q', kind: 'float', differentiable: true },
  ],
  outputs: ['loss'],
  reference: courseImpl(...io, ref.chamferDistanceForward, ref.chamferDistanceBackward),
  twin: courseImpl(...io, twin.chamferDistanceForward, twin.chamferDistanceBackward),
  validate: ({ P, Q }) => void ref.validateChamferDistance(P, Q),
  sample: chamferSamples(60),
  gradSample: chamferSamples(5),
  edgeCases: [
    makeSample({ P: tensor([1, 3], [1, 2, 3]), Q: tensor([1, 3], [0, 0, 1]) }), // one point each
    // two points of P share Q's nearest point; Q's second point is nobody's nearest from P's side
    makeSample({ P: tensor([2, 3], [0, 0, 0, 0.2, 0, 0]), Q: tensor([2, 3], [0.05, 0.1, 0, 2, 2, 2]) }),
  ],
  kinks: {
    convention: 'a point equally near several points of the other cloud is matched to the first of them (the lowest index)',
    // P's point is 1 from both of Q's points: its gradient goes to Q's point 0 only
    cases: [makeSample({ P: tensor([1, 3], [0, 0, 0]), Q: tensor([2, 3], [1, 0, 0, -1, 0, 0]) })],
  },
  errors: [
    { title: 'P with 2 coordinates', sample: makeSample({ ...ok, P: tensor([2, 2]) }), message: 'chamfer_distance: P: expected shape [N, 3], got [2, 2]' },
    { title: 'Q of rank 1', sample: makeSample({ ...ok, Q: tensor([3]) }), message: 'chamfer_distance: Q: expected shape [M, 3], got [3]' },
    { title: 'empty Q', sample: makeSample({ ...ok, Q: tensor([0, 3]) }), message: 'chamfer_distance: Q: expected a non-empty tensor, got shape [0, 3]' },
    { title: 'empty P', sample: makeSample({ ...ok, P: tensor([0, 3]) }), message: 'chamfer_distance: P: expected a non-empty tensor, got shape [0, 3]' },
    {
      title: 'Infinity in Q',
      sample: makeSample({ ...ok, Q: tensor([2, 3], [0, 0, Infinity, 0, 0, 0]) }),
      message: 'chamfer_distance: Q: expected finite values, got Infinity at [0, 2]',
    },
    {
      title: 'NaN in P',
      sample: makeSample({ ...ok, P: tensor([2, 3], [0, 0, 0, 0, NaN, 0]) }),
      message: 'chamfer_distance: P: expected finite values, got NaN at [1, 1]',
    },
  ],
};
