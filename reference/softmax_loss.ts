import { lossGradient, validateScoresAndLabels, type LossCache } from './classification';
import { mapMatrix, pick, rowMaxes, rowSums, sum } from './rows';
import { scalar, tensor, type Tensor } from './tensor';

/**
 * Softmax (cross-entropy) loss, max-subtracted for stability:
 *   pᵢⱼ = exp(x_ij − maxᵢ) / Σ_k exp(x_ik − maxᵢ),   L = −(1/N) Σᵢ log pᵢ,yᵢ
 *   ∂L/∂x_ij = (pᵢⱼ − [j = yᵢ]) / N
 */

/** Naive variant: explicit loops over samples and classes. */
export function softmaxLossNaiveForward(x: Tensor, y: Tensor): { loss: Tensor; cache: LossCache } {
  const { N, C } = validateScoresAndLabels('softmax_loss', x, y);
  let loss = 0;
  for (let i = 0; i < N; i++) {
    let max = -Infinity;
    for (let j = 0; j < C; j++) max = Math.max(max, x.data[i * C + j]);
    let z = 0;
    for (let j = 0; j < C; j++) z += Math.exp(x.data[i * C + j] - max);
    loss += Math.log(z) - (x.data[i * C + y.data[i]] - max);
  }
  return { loss: scalar(loss / N), cache: { x, y } };
}

export function softmaxLossNaiveBackward(dloss: Tensor, cache: LossCache): { dx: Tensor } {
  const { x, y } = cache;
  const [N, C] = x.shape;
  const g = lossGradient('softmax_loss', dloss) / N;
  const dx = tensor([N, C]);
  for (let i = 0; i < N; i++) {
    let max = -Infinity;
    for (let j = 0; j < C; j++) max = Math.max(max, x.data[i * C + j]);
    let z = 0;
    for (let j = 0; j < C; j++) z += Math.exp(x.data[i * C + j] - max);
    for (let j = 0; j < C; j++) {
      const p = Math.exp(x.data[i * C + j] - max) / z;
      dx.data[i * C + j] = g * (p - (j === y.data[i] ? 1 : 0));
    }
  }
  return { dx };
}

/** Vectorized variant: the numpy formulation, one whole-array step per line. */
export function softmaxLossVectorizedForward(x: Tensor, y: Tensor): { loss: Tensor; cache: LossCache } {
  const { N } = validateScoresAndLabels('softmax_loss', x, y);
  const logProbs = logSoftmaxRows(x);
  return { loss: scalar(-sum(pick(logProbs, y)) / N), cache: { x, y } };
}

export function softmaxLossVectorizedBackward(dloss: Tensor, cache: LossCache): { dx: Tensor } {
  const { x, y } = cache;
  const g = lossGradient('softmax_loss', dloss) / x.shape[0];
  const probs = mapMatrix(logSoftmaxRows(x), Math.exp);
  return { dx: mapMatrix(probs, (p, n, c) => g * (p - (c === y.data[n] ? 1 : 0))) };
}

/** shifted = x − x.max(1)[:, None];  shifted − log(exp(shifted).sum(1))[:, None] */
function logSoftmaxRows(x: Tensor): Tensor {
  const max = rowMaxes(x);
  const shifted = mapMatrix(x, (v, n) => v - max[n]);
  const logZ = rowSums(mapMatrix(shifted, Math.exp)).map(Math.log);
  return mapMatrix(shifted, (v, n) => v - logZ[n]);
}
