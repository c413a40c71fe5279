import { type TripletLossParams, validateTripletLoss } from '../reference/triplet_loss';
import type { GpuTensor } from './runtime/buffers';
import { pointwise } from './runtime/pointwise';
import { lossGradient, sumOfTerms } from './runtime/scalar_loss';

/**
 * Twin of reference/triplet_loss. Forward: one invocation per sample walks its D features for the
 * margin ‖a − p‖² − ‖a − n‖² + α (kept for the backward), then the tree reduction sums max(0, margin).
 * Backward: one invocation per element, gated by its sample's margin.
 */
export interface TripletLossCache {
  anchor: GpuTensor;
  positive: GpuTensor;
  negative: GpuTensor;
  margins: GpuTensor;
}

export function tripletLossForward(
  anchor: GpuTensor,
  positive: GpuTensor,
  negative: GpuTensor,
  params: TripletLossParams = {},
): { loss: GpuTensor; cache: TripletLossCache } {
  const { N, D, alpha } = validateTripletLoss(anchor, positive, negative, params);
  const { margins } = pointwise(anchor.gpu, {
    name: 'triplet_loss:margins',
    inputs: { anchor, positive, negative },
    outputs: { margins: { shape: [N] } },
    count: N,
    uniforms: { D: ['u32', D], alpha: ['f32', alpha] },
    body: `var m = alpha;
  for (var d = 0u; d < D; d++) {
    let k = i * D + d;
    let to_positive = anchor[k] - positive[k];
    let to_negative = anchor[k] - negative[k];
    m += to_positive * to_positive - to_negative * to_negative;
  }
  margins[i] = m;`,
  });
  const loss = sumOfTerms({ name: 'triplet_loss', inputs: { margins }, count: N, body: 'terms[i] = max(margins[i], 0.0);' }, 1);
  return { loss, cache: { anchor, positive, negative, margins } };
}

export function tripletLossBackward(dloss: GpuTensor, cache: TripletLossCache): { danchor: GpuTensor; dpositive: GpuTensor; dnegative: GpuTensor } {
  const { anchor, positive, negative, margins } = cache;
  const { danchor, dpositive, dnegative } = lossGradient({
    name: 'triplet_loss',
    inputs: { anchor, positive, negative, margins },
    dloss,
    grads: ['danchor', 'dpositive', 'dnegative'],
    shape: anchor.shape,
    uniforms: { D: ['u32', anchor.shape[1]] },
    body: `let on = select(0.0, 2.0 * g, margins[i / D] > 0.0);
  danchor[i] = on * (negative[i] - positive[i]);
  dpositive[i] = -on * (anchor[i] - positive[i]);
  dnegative[i] = on * (anchor[i] - negative[i]);`,
  });
  return { danchor, dpositive, dnegative };
}
