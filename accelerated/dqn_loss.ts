import { type DqnLossParams, validateDqnLoss } from '../reference/dqn_loss';
import type { GpuTensor } from './runtime/buffers';
import { pointwise } from './runtime/pointwise';
import { lossGradient, sumOfTerms } from './runtime/scalar_loss';

/**
 * Twin of reference/dqn_loss. Forward: one invocation per sample walks its A next-state values for
 * the max, forms the TD residual (kept for the backward); the tree reduction sums the squares with
 * scale 1/N. Backward: one invocation per entry of dq, non-zero only at the taken action.
 */
export interface DqnLossCache {
  actions: GpuTensor;
  residuals: GpuTensor;
  shape: readonly number[];
}

export function dqnLossForward(
  q: GpuTensor,
  actions: GpuTensor,
  rewards: GpuTensor,
  qNext: GpuTensor,
  done: GpuTensor,
  params: DqnLossParams = {},
): { loss: GpuTensor; cache: DqnLossCache } {
  const { N, A, gamma } = validateDqnLoss(q, actions, rewards, qNext, done, params);
  const { residuals } = pointwise(q.gpu, {
    name: 'dqn_loss:residuals',
    inputs: { q, actions, rewards, q_next: qNext, done },
    outputs: { residuals: { shape: [N] } },
    count: N,
    uniforms: { A: ['u32', A], gamma: ['f32', gamma] },
    body: `var best = q_next[i * A];
  for (var a = 1u; a < A; a++) { best = max(best, q_next[i * A + a]); }
  let td_target = rewards[i] + gamma * (1.0 - done[i]) * best;
  residuals[i] = q[i * A + u32(actions[i])] - td_target;`,
  });
  const loss = sumOfTerms({ name: 'dqn_loss', inputs: { residuals }, count: N, body: 'terms[i] = residuals[i] * residuals[i];' }, 1 / N);
  return { loss, cache: { actions, residuals, shape: q.shape } };
}

export function dqnLossBackward(dloss: GpuTensor, cache: DqnLossCache): { dq: GpuTensor } {
  const { actions, residuals, shape } = cache;
  const [N, A] = shape;
  const { dq } = lossGradient({
    name: 'dqn_loss',
    inputs: { actions, residuals },
    dloss,
    grads: ['dq'],
    shape,
    uniforms: { A: ['u32', A], inv_n: ['f32', 1 / N] },
    body: `let n = i / A;
  dq[i] = select(0.0, 2.0 * residuals[n] * inv_n * g, i % A == u32(actions[n]));`,
  });
  return { dq };
}
