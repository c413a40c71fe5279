import fc from 'fast-check';
import * as twin from '../accelerated/knn';
import * as ref from '../reference/knn';
import { randintTensor, randnTensor, type Rng } from '../reference/rng';
import { tensor, type Tensor } from '../reference/tensor';
import { dim, makeSample, samples } from './harness/arbitraries';
import { courseImpl, type Impl, type OpDef } from './harness/op';

const inputNames = ['X_train', 'y_train', 'X'];
const io = [inputNames, ['dists', 'labels']] as const;
const reference = courseImpl<Tensor>(...io, ref.knnForward);

/**
 * The reference forced to one distance variant (after checking the params as given, so that a bad
 * variant is still rejected): the three must agree with each other through the row's reference.
 */
const forcedVariant = (variant: ref.KnnVariant): Impl<Tensor> => ({
  forward(inputs, params) {
    ref.validateKnn(inputs.X_train, inputs.y_train, inputs.X, params);
    return reference.forward(inputs, { ...params, variant });
  },
});

/**
 * A test row at distance ≥ 0.05 from every training row (where the no_loops form ‖x‖² + ‖t‖² − 2x·t
 * still agrees with the others to 1e-10) and with a clear gap (1e-3 relative) between its k-th and
 * (k+1)-th nearest, so that float32 distances pick the same k neighbours as float64 ones. Redrawn
 * until it is; the draws are seeded, so the case stays deterministic.
 */
function separatedRow(X_train: Tensor, k: number, rng: Rng): Float64Array {
  const [M, D] = X_train.shape;
  for (;;) {
    const x = randnTensor([D], rng).data;
    const dists = ref
      .computeDistancesTwoLoops(X_train, tensor([1, D], x))
      .data.slice()
      .sort((a, b) => a - b);
    if (dists[0] >= 0.05 && (k === M || dists[k] - dists[k - 1] >= 1e-3 * (1 + dists[k - 1]))) return x;
  }
}

const knnSamples = (max: { M: number; N: number; D: number; k: number }) =>
  samples(
    fc.record({
      M: dim(1, max.M),
      N: dim(1, max.N),
      D: dim(1, max.D),
      k: dim(1, max.k),
      classes: dim(1, 4),
      variant: fc.constantFrom(...ref.KNN_VARIANTS),
    }),
    ({ M, N, D, k: drawnK, classes, variant }, rng) => {
      const k = Math.min(drawnK, M);
      const X_train = randnTensor([M, D], rng);
      const y_train = randintTensor([M], rng, classes);
      const X = tensor([N, D]);
      for (let i = 0; i < N; i++) X.data.set(separatedRow(X_train, k, rng), i * D);
      return { inputs: { X_train, y_train, X }, params: { k, variant } };
    },
  );

const ok = { X_train: tensor([3, 2], [0, 0, 3, 4, 6, 8]), y_train: tensor([3], [0, 1, 2]), X: tensor([2, 2], [3, 4, 1, 1]) };

export const knn: OpDef = {
  id: 'knn',
  inputs: [
    { name: 'X_train', kind: 'float', differentiable: false },
    { name: 'y_train', kind: 'int', differentiable: false },
    { name: 'X', kind: 'float', differentiable: false },
  ],
  outputs: ['dists', 'labels'],
  reference,
  variants: Object.fromEntries(ref.KNN_VARIANTS.map((v) => [v, forcedVariant(v)])),
  twin: courseImpl(...io, twin.knnForward),
  validate: ({ X_train, y_train, X }, params) => void ref.validateKnn(X_train, y_train, X, params),
  // Up to 40 training rows (ten 1×4 tiles) and k up to 7 of them, labels of 1–4 classes.
  sample: knnSamples({ M: 40, N: 10, D: 8, k: 7 }),
  gradSample: knnSamples({ M: 8, N: 3, D: 3, k: 4 }),
  edgeCases: [
    // Two nearest vote 1 and 2 (a tie: the smaller label 1 wins); two nearest both 0.
    makeSample({ X_train: tensor([4, 1], [-1, 1, 5, 6]), y_train: tensor([4], [2, 1, 0, 0]), X: tensor([2, 1], [0.1, 5.4]) }, { k: 2, variant: 'two_loops' }),
    // k = M: every training row votes.
    makeSample(
      { X_train: tensor([5, 2], [0, 1, 2, 3, -1, 0, 4, 4, 1, -2]), y_train: tensor([5], [3, 1, 3, 0, 1]), X: tensor([1, 2], [0.5, 0.5]) },
      { k: 5, variant: 'one_loop' },
    ),
    // Test rows equal to training rows: distance 0 (exactly, even in the no_loops form).
    makeSample(ok, { k: 1, variant: 'no_loops' }),
    // All three at distance 1: equal distances are ordered by index, so k = 1 picks row 0 (label 2).
    makeSample({ X_train: tensor([3, 2], [1, 0, -1, 0, 0, 1]), y_train: tensor([3], [2, 0, 1]), X: tensor([1, 2], [0, 0]) }, { k: 1, variant: 'two_loops' }),
    // Defaults: k = 1, no_loops.
    makeSample({ X_train: tensor([2, 3], [1, 2, 3, -1, -2, -3]), y_train: tensor([2], [7, 4]), X: tensor([2, 3], [0.5, 1, 2, -2, 0, -1]) }),
  ],
  errors: [
    { title: 'X_train of rank 1', sample: makeSample({ ...ok, X_train: tensor([3]) }), message: 'knn: X_train: expected rank 2, got rank 1 (shape [3])' },
    {
      title: 'y_train length differs from M',
      sample: makeSample({ ...ok, y_train: tensor([2]) }),
      message: 'knn: y_train: expected shape [3] (M = 3 from X_train), got [2]',
    },
    {
      title: 'X columns differ from D',
      sample: makeSample({ ...ok, X: tensor([1, 3]) }),
      message: 'knn: X: expected shape [N, 2] (D = 2 from X_train), got [1, 3]',
    },
    {
      title: 'negative label',
      sample: makeSample({ ...ok, y_train: tensor([3], [0, -1, 1]) }),
      message: 'knn: y_train: expected integer labels in [0, 2147483647], got -1 at [1]',
    },
    {
      title: 'label 2³¹ (no int32)',
      sample: makeSample({ ...ok, y_train: tensor([3], [0, 2 ** 31, 1]) }),
      message: 'knn: y_train: expected integer labels in [0, 2147483647], got 2147483648 at [1]',
    },
    {
      title: 'fractional label',
      sample: makeSample({ ...ok, y_train: tensor([3], [0, 1, 1.5]) }),
      message: 'knn: y_train: expected integer labels in [0, 2147483647], got 1.5 at [2]',
    },
    {
      title: 'empty X_train',
      sample: makeSample({ ...ok, X_train: tensor([0, 2]), y_train: tensor([0]) }),
      message: 'knn: X_train: expected a non-empty tensor, got shape [0, 2]',
    },
    { title: 'X of rank 3', sample: makeSample({ ...ok, X: tensor([1, 1, 2]) }), message: 'knn: X: expected rank 2, got rank 3 (shape [1, 1, 2])' },
    { title: 'empty X', sample: makeSample({ ...ok, X: tensor([0, 2]) }), message: 'knn: X: expected a non-empty tensor, got shape [0, 2]' },
    {
      title: 'Infinity in X_train',
      sample: makeSample({ ...ok, X_train: tensor([3, 2], [0, 0, 3, Infinity, 6, 8]) }),
      message: 'knn: X_train: expected finite values, got Infinity at [1, 1]',
    },
    { title: 'k above M', sample: makeSample(ok, { k: 4 }), message: 'knn: k: expected an integer ≥ 1 and ≤ 3, got 4' },
    { title: 'k = 0', sample: makeSample(ok, { k: 0 }), message: 'knn: k: expected an integer ≥ 1 and ≤ 3, got 0' },
    {
      title: 'unknown variant',
      sample: makeSample(ok, { variant: 'three_loops' }),
      message: 'knn: variant: expected "two_loops", "one_loop" or "no_loops", got "three_loops"',
    },
    { title: 'NaN in X', sample: makeSample({ ...ok, X: tensor([2, 2], [3, NaN, 1, 1]) }), message: 'knn: X: expected finite values, got NaN at [0, 1]' },
  ],
  reasons: {
    ref_bwd: 'no backward (docs/ops.md): labels are integers and the distances are of fixed data, nothing to learn',
    gradcheck: 'no backward to check',
    twin_bwd: 'no backward (as the reference)',
  },
};
