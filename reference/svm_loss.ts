import { lossGradient, validateScoresAndLabels, type LossCache } from './classification';
import { mapMatrix, pick, rowSums, sum } from './rows';
import { scalar, tensor, type Tensor } from './tensor';

/**
 * Multiclass SVM (hinge) loss:
 *   L = (1/N) Σᵢ Σ_{j≠yᵢ} max(0, x_ij − x_iyᵢ + 1)
 *   ∂L/∂x_ij = (1/N)·[margin_ij > 0] for j ≠ yᵢ,   ∂L/∂x_iyᵢ = −(1/N)·#{j ≠ yᵢ : margin_ij > 0}
 */

/** Naive variant: explicit loops over samples and classes. */
export function svmLossNaiveForward(x: Tensor, y: Tensor): { loss: Tensor; cache: LossCache } {
  const { N, C } = validateScoresAndLabels('svm_loss', x, y);
  let loss = 0;
  for (let i = 0; i < N; i++) {
    const correct = x.data[i * C + y.data[i]];
    for (let j = 0; j < C; j++) {
      if (j === y.data[i]) continue;
      const margin = x.data[i * C + j] - correct + 1;
      if (margin > 0) loss += margin;
    }
  }
  return { loss: scalar(loss / N), cache: { x, y } };
}

export function svmLossNaiveBackward(dloss: Tensor, cache: LossCache): { dx: Tensor } {
  const { x, y } = cache;
  const [N, C] = x.shape;
  const g = lossGradient('svm_loss', dloss) / N;
  const dx = tensor([N, C]);
  for (let i = 0; i < N; i++) {
    const yi = y.data[i];
    const correct = x.data[i * C + yi];
    for (let j = 0; j < C; j++) {
      if (j === yi) continue;
      if (x.data[i * C + j] - correct + 1 > 0) {
        dx.data[i * C + j] += g;
        dx.data[i * C + yi] -= g;
      }
    }
  }
  return { dx };
}

/** Vectorized variant: the numpy formulation, one whole-array step per line. */
export function svmLossVectorizedForward(x: Tensor, y: Tensor): { loss: Tensor; cache: LossCache } {
  const { N } = validateScoresAndLabels('svm_loss', x, y);
  const margins = hingeMargins(x, y); // max(0, x − x[arange(N), y][:, None] + 1), 0 at the labels
  return { loss: scalar(sum(margins.data) / N), cache: { x, y } };
}

export function svmLossVectorizedBackward(dloss: Tensor, cache: LossCache): { dx: Tensor } {
  const { x, y } = cache;
  const N = x.shape[0];
  const g = lossGradient('svm_loss', dloss) / N;
  const active = mapMatrix(hingeMargins(x, y), (m) => (m > 0 ? 1 : 0)); // (margins > 0)
  const counts = rowSums(active); // active.sum(axis=1)
  return { dx: mapMatrix(active, (a, n, c) => g * (c === y.data[n] ? -counts[n] : a)) };
}

function hingeMargins(x: Tensor, y: Tensor): Tensor {
  const correct = pick(x, y);
  return mapMatrix(x, (v, n, c) => (c === y.data[n] ? 0 : Math.max(0, v - correct[n] + 1)));
}
