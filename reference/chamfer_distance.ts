import { lossGradient } from './classification';
import { scalar, tensor, type Tensor } from './tensor';
import { requireFinite, requirePositiveSizes, requireShape, type Shaped } from './validate';

export interface ChamferDistanceCache {
  P: Tensor;
  Q: Tensor;
  /** For each point of P its nearest point of Q, and for each point of Q its nearest of P. */
  nearestInQ: Int32Array;
  nearestInP: Int32Array;
}

/** P (N, 3) and Q (M, 3) point clouds, non-empty and finite. */
export function validateChamferDistance(P: Shaped, Q: Shaped): { N: number; M: number } {
  requireShape('chamfer_distance', 'P', P, ['N', 3]);
  requireShape('chamfer_distance', 'Q', Q, ['M', 3]);
  requirePositiveSizes('chamfer_distance', 'P', P);
  requirePositiveSizes('chamfer_distance', 'Q', Q);
  requireFinite('chamfer_distance', 'P', P);
  requireFinite('chamfer_distance', 'Q', Q);
  return { N: P.shape[0], M: Q.shape[0] };
}

const squaredDistance = (a: Tensor, i: number, b: Tensor, j: number): number =>
  (a.data[3 * i] - b.data[3 * j]) ** 2 + (a.data[3 * i + 1] - b.data[3 * j + 1]) ** 2 + (a.data[3 * i + 2] - b.data[3 * j + 2]) ** 2;

/** For every point of `from`, the index of its nearest point in `to` (first on ties) and the summed squared distances. */
function nearest(from: Tensor, to: Tensor): { index: Int32Array; sum: number } {
  const index = new Int32Array(from.shape[0]);
  let sum = 0;
  for (let i = 0; i < from.shape[0]; i++) {
    let best = Infinity;
    for (let j = 0; j < to.shape[0]; j++) {
      const d = squaredDistance(from, i, to, j);
      if (d < best) {
        best = d;
        index[i] = j;
      }
    }
    sum += best;
  }
  return { index, sum };
}

/** loss = Σ_{p∈P} min_{q∈Q} ‖p − q‖² + Σ_{q∈Q} min_{p∈P} ‖q − p‖² */
export function chamferDistanceForward(P: Tensor, Q: Tensor): { loss: Tensor; cache: ChamferDistanceCache } {
  validateChamferDistance(P, Q);
  const toQ = nearest(P, Q);
  const toP = nearest(Q, P);
  return { loss: scalar(toQ.sum + toP.sum), cache: { P, Q, nearestInQ: toQ.index, nearestInP: toP.index } };
}

/**
 * Each matched pair (p, q) contributes 2(p − q)·dloss to dp and 2(q − p)·dloss to dq: once as p's
 * nearest, and once for every q whose nearest p is.
 */
export function chamferDistanceBackward(dloss: Tensor, cache: ChamferDistanceCache): { dP: Tensor; dQ: Tensor } {
  const { P, Q, nearestInQ, nearestInP } = cache;
  const g = lossGradient('chamfer_distance', dloss);
  const dP = tensor(P.shape);
  const dQ = tensor(Q.shape);
  const addPair = (i: number, j: number): void => {
    for (let c = 0; c < 3; c++) {
      const diff = 2 * (P.data[3 * i + c] - Q.data[3 * j + c]) * g;
      dP.data[3 * i + c] += diff;
      dQ.data[3 * j + c] -= diff;
    }
  };
  nearestInQ.forEach((j, i) => addPair(i, j));
  nearestInP.forEach((i, j) => addPair(i, j));
  return { dP, dQ };
}
