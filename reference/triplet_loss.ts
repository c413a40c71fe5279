import { lossGradient } from './classification';
import { requireSameShapes } from './generative';
import { hyper } from './hyperparams';
import { scalar, tensor, type Tensor } from './tensor';
import { requireRank, type Shaped } from './validate';

export interface TripletLossParams {
  alpha?: number;
}

export interface TripletLossCache {
  anchor: Tensor;
  positive: Tensor;
  negative: Tensor;
  /** Per sample: ‖a − p‖² − ‖a − n‖² + α (the hinge is active where it is > 0). */
  margins: Float64Array;
}

/** anchor, positive, negative (N, D) of one shape, non-empty and finite; alpha (default 0.2) ≥ 0. */
export function validateTripletLoss(
  anchor: Shaped,
  positive: Shaped,
  negative: Shaped,
  params: TripletLossParams = {},
): { N: number; D: number; alpha: number } {
  requireRank('triplet_loss', 'anchor', anchor, 2);
  const [N, D] = requireSameShapes('triplet_loss', [
    ['anchor', anchor],
    ['positive', positive],
    ['negative', negative],
  ]);
  return { N, D, alpha: hyper('triplet_loss', params, 'alpha', 0.2, { min: 0 }) };
}

/** loss = Σₙ max(0, ‖aₙ − pₙ‖² − ‖aₙ − nₙ‖² + α), summed (not averaged) over N */
export function tripletLossForward(
  anchor: Tensor,
  positive: Tensor,
  negative: Tensor,
  params: TripletLossParams = {},
): { loss: Tensor; cache: TripletLossCache } {
  const { N, D, alpha } = validateTripletLoss(anchor, positive, negative, params);
  const margins = new Float64Array(N);
  let sum = 0;
  for (let n = 0; n < N; n++) {
    let m = alpha;
    for (let d = 0; d < D; d++) {
      const i = n * D + d;
      m += (anchor.data[i] - positive.data[i]) ** 2 - (anchor.data[i] - negative.data[i]) ** 2;
    }
    margins[n] = m;
    sum += Math.max(0, m);
  }
  return { loss: scalar(sum), cache: { anchor, positive, negative, margins } };
}

/** Where the hinge is active: da = 2(n − p), dp = −2(a − p), dn = 2(a − n), times dloss; else 0. */
export function tripletLossBackward(dloss: Tensor, cache: TripletLossCache): { danchor: Tensor; dpositive: Tensor; dnegative: Tensor } {
  const { anchor, positive, negative, margins } = cache;
  const g = lossGradient('triplet_loss', dloss);
  const [N, D] = anchor.shape;
  const danchor = tensor([N, D]);
  const dpositive = tensor([N, D]);
  const dnegative = tensor([N, D]);
  for (let n = 0; n < N; n++) {
    if (margins[n] <= 0) continue;
    for (let d = 0; d < D; d++) {
      const i = n * D + d;
      danchor.data[i] = 2 * (negative.data[i] - positive.data[i]) * g;
      dpositive.data[i] = -2 * (anchor.data[i] - positive.data[i]) * g;
      dnegative.data[i] = 2 * (anchor.data[i] - negative.data[i]) * g;
    }
  }
  return { danchor, dpositive, dnegative };
}
