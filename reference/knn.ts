import { choice } from './choices';
import { hyper } from './hyperparams';
import { mapMatrix, rowSums } from './rows';
import { tensor, type Tensor } from './tensor';
import { requireFinite, requirePositiveSizes, requireRank, requireShape, requireValues, type Shaped } from './validate';

/**
 * k-nearest-neighbour classification (cs231n's KNearestNeighbor): the Euclidean distances of every
 * test row X[i] to every training row X_train[j], in one of the course's three formulations, then
 * a majority vote among the k nearest training labels. Not differentiable: no backward.
 */
export type KnnVariant = 'two_loops' | 'one_loop' | 'no_loops';
export const KNN_VARIANTS: readonly KnnVariant[] = ['two_loops', 'one_loop', 'no_loops'];

export interface KnnParams {
  /** Neighbours that vote, 1 ≤ k ≤ M; default 1 (the course's). */
  k?: number;
  /** How the distances are computed; default "no_loops" (the course's num_loops = 0). */
  variant?: 'two_loops' | 'one_loop' | 'no_loops';
}

export interface KnnSettings {
  M: number;
  N: number;
  D: number;
  k: number;
  variant: KnnVariant;
}

/** X_train (M, D) and X (N, D) finite, non-empty; y_train (M) integer labels ≥ 0 (an int32); k in [1, M]. */
export function validateKnn(X_train: Shaped, y_train: Shaped, X: Shaped, params: KnnParams = {}): KnnSettings {
  requireRank('knn', 'X_train', X_train, 2);
  requirePositiveSizes('knn', 'X_train', X_train);
  const [M, D] = X_train.shape;
  requireShape('knn', 'y_train', y_train, [M], `M = ${M} from X_train`);
  requireRank('knn', 'X', X, 2);
  requireShape('knn', 'X', X, ['N', D], `D = ${D} from X_train`);
  requirePositiveSizes('knn', 'X', X);
  requireFinite('knn', 'X_train', X_train);
  requireFinite('knn', 'X', X);
  requireValues('knn', 'y_train', y_train, { min: 0, max: 2 ** 31 - 1, integer: true }, `integer labels in [0, ${2 ** 31 - 1}]`);
  const k = hyper('knn', params, 'k', 1, { min: 1, max: M, integer: true });
  const variant = choice('knn', params, 'variant', KNN_VARIANTS, 'no_loops');
  return { M, N: X.shape[0], D, k, variant };
}

/** dists[i, j] = √(Σ_d (X[i, d] − X_train[j, d])²), one element at a time. */
export function computeDistancesTwoLoops(X_train: Tensor, X: Tensor): Tensor {
  const [M, D] = X_train.shape;
  const N = X.shape[0];
  const dists = tensor([N, M]);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < M; j++) {
      let s = 0;
      for (let d = 0; d < D; d++) s += (X.data[i * D + d] - X_train.data[j * D + d]) ** 2;
      dists.data[i * M + j] = Math.sqrt(s);
    }
  }
  return dists;
}

/** One test row at a time against all of X_train: dists[i, :] = √(((X_train − X[i])²).sum(axis=1)). */
export function computeDistancesOneLoop(X_train: Tensor, X: Tensor): Tensor {
  const M = X_train.shape[0];
  const [N, D] = X.shape;
  const dists = tensor([N, M]);
  for (let i = 0; i < N; i++) {
    const squares = mapMatrix(X_train, (t, _j, d) => (t - X.data[i * D + d]) ** 2);
    dists.data.set(rowSums(squares).map(Math.sqrt), i * M);
  }
  return dists;
}

/**
 * All at once, from ‖x − t‖² = ‖x‖² + ‖t‖² − 2·x·t:
 *   dists = √(max(0, (X²).sum(1)[:, None] + (X_train²).sum(1)[None, :] − 2·X·X_trainᵀ))
 * (the max clips the round-off that can push a zero distance below 0).
 */
export function computeDistancesNoLoops(X_train: Tensor, X: Tensor): Tensor {
  const M = X_train.shape[0];
  const [N, D] = X.shape;
  const testNorms = rowSums(mapMatrix(X, (v) => v * v));
  const trainNorms = rowSums(mapMatrix(X_train, (v) => v * v));
  const dots = tensor([N, M]);
  for (let i = 0; i < N * M; i++) {
    const [n, m] = [Math.floor(i / M), i % M];
    for (let d = 0; d < D; d++) dots.data[i] += X.data[n * D + d] * X_train.data[m * D + d];
  }
  return mapMatrix(dots, (dot, n, m) => Math.sqrt(Math.max(0, testNorms[n] + trainNorms[m] - 2 * dot)));
}

const DISTANCES: Record<KnnVariant, (X_train: Tensor, X: Tensor) => Tensor> = {
  two_loops: computeDistancesTwoLoops,
  one_loop: computeDistancesOneLoop,
  no_loops: computeDistancesNoLoops,
};

/**
 * labels[i] = the most frequent label among the k training rows nearest to X[i] (ordered by
 * distance; the sort is stable, so equal distances keep training order); a tie in the vote goes to
 * the smallest label.
 */
export function predictLabels(dists: Tensor, y_train: Tensor, k: number): Tensor {
  const [N, M] = dists.shape;
  const labels = tensor([N]);
  for (let i = 0; i < N; i++) {
    const order = Array.from({ length: M }, (_, j) => j).sort((a, b) => dists.data[i * M + a] - dists.data[i * M + b]);
    const votes = new Map<number, number>();
    for (const j of order.slice(0, k)) votes.set(y_train.data[j], (votes.get(y_train.data[j]) ?? 0) + 1);
    // Most votes first, then the smallest label.
    const [[best]] = [...votes].sort(([la, ca], [lb, cb]) => cb - ca || la - lb);
    labels.data[i] = best;
  }
  return labels;
}

/**
 * dists[i, j] = ‖X[i] − X_train[j]‖₂ (N, M), computed as params.variant says (two_loops, one_loop,
 * no_loops: the three must agree); labels[i] = the most frequent y_train label among the k nearest
 * training rows (nearest first, equal distances by index), a tie in the vote going to the smallest label.
 */
export function knnForward(X_train: Tensor, y_train: Tensor, X: Tensor, params: KnnParams = {}): { dists: Tensor; labels: Tensor; cache: null } {
  const { k, variant } = validateKnn(X_train, y_train, X, params);
  const dists = DISTANCES[variant](X_train, X);
  return { dists, labels: predictLabels(dists, y_train, k), cache: null };
}
