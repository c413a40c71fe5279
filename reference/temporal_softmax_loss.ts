import { lossGradient } from './classification';
import { scalar, tensor, type Tensor } from './tensor';
import { requireFinite, requireLabels, requireRank, requireShape, requireZeroOne, type Shaped } from './validate';

export interface TemporalSoftmaxLossCache {
  x: Tensor;
  y: Tensor;
  mask: Tensor;
}

/** x (N, T, V) finite scores, y (N, T) labels in [0, V), mask (N, T) of 0s and 1s. */
export function validateTemporalSoftmaxLoss(x: Shaped, y: Shaped, mask: Shaped): { N: number; T: number; V: number } {
  const op = 'temporal_softmax_loss';
  requireRank(op, 'x', x, 3);
  const [N, T, V] = x.shape;
  requireShape(op, 'y', y, [N, T], `N = ${N}, T = ${T} from x`);
  requireShape(op, 'mask', mask, [N, T], `N = ${N}, T = ${T} from x`);
  requireFinite(op, 'x', x);
  requireLabels(op, 'y', y, V);
  requireZeroOne(op, 'mask', mask);
  return { N, T, V };
}

/**
 * Softmax cross-entropy at every time step, summed over the steps with mask = 1 and divided by N
 * (not by the number of unmasked steps):
 *   L = −(1/N) Σ_{n,t} mask[n, t]·log p[n, t, y[n, t]],  p[n, t, :] = softmax(x[n, t, :]) (max-subtracted)
 */
export function temporalSoftmaxLossForward(x: Tensor, y: Tensor, mask: Tensor): { loss: Tensor; cache: TemporalSoftmaxLossCache } {
  const { N, T, V } = validateTemporalSoftmaxLoss(x, y, mask);
  let loss = 0;
  for (let r = 0; r < N * T; r++) {
    if (mask.data[r] === 0) continue;
    const { max, z } = softmaxRow(x, r, V);
    loss += Math.log(z) - (x.data[r * V + y.data[r]] - max);
  }
  return { loss: scalar(loss / N), cache: { x, y, mask } };
}

/** ∂L/∂x[n, t, v] = mask[n, t]·(p[n, t, v] − [v = y[n, t]]) / N */
export function temporalSoftmaxLossBackward(dloss: Tensor, cache: TemporalSoftmaxLossCache): { dx: Tensor } {
  const { x, y, mask } = cache;
  const [N, T, V] = x.shape;
  const g = lossGradient('temporal_softmax_loss', dloss) / N;
  const dx = tensor(x.shape);
  for (let r = 0; r < N * T; r++) {
    if (mask.data[r] === 0) continue;
    const { max, z } = softmaxRow(x, r, V);
    for (let v = 0; v < V; v++) {
      dx.data[r * V + v] = g * (Math.exp(x.data[r * V + v] - max) / z - (v === y.data[r] ? 1 : 0));
    }
  }
  return { dx };
}

/** max_v x[r, v] and Σ_v exp(x[r, v] − max) for the flat row r = n·T + t. */
function softmaxRow(x: Tensor, r: number, V: number): { max: number; z: number } {
  let max = -Infinity;
  for (let v = 0; v < V; v++) max = Math.max(max, x.data[r * V + v]);
  let z = 0;
  for (let v = 0; v < V; v++) z += Math.exp(x.data[r * V + v] - max);
  return { max, z };
}
