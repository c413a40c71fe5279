import { lossGradient } from './classification';
import { hyper } from './hyperparams';
import { scalar, tensor, type Tensor } from './tensor';
import { requireFinite, requireLabels, requirePositiveSizes, requireRank, requireShape, requireZeroOne, type Shaped } from './validate';

export interface DqnLossParams {
  gamma?: number;
}

export interface DqnLossCache {
  q: Tensor;
  actions: Tensor;
  /** Per sample: Q(s, a) − (r + γ·(1 − done)·max_a' Q'(s', a')). */
  residuals: Float64Array;
}

const OP = 'dqn_loss';

/**
 * q (N, A) and q_next (N, A) finite; actions (N) integers in [0, A); rewards (N) finite; done (N)
 * 0 or 1; gamma (no default) in [0, 1].
 */
export function validateDqnLoss(
  q: Shaped,
  actions: Shaped,
  rewards: Shaped,
  qNext: Shaped,
  done: Shaped,
  params: DqnLossParams = {},
): { N: number; A: number; gamma: number } {
  requireRank(OP, 'q', q, 2);
  requirePositiveSizes(OP, 'q', q);
  const [N, A] = q.shape;
  requireShape(OP, 'actions', actions, [N], `N = ${N} from q`);
  requireShape(OP, 'rewards', rewards, [N], `N = ${N} from q`);
  requireShape(OP, 'q_next', qNext, [N, A], `from q`);
  requireShape(OP, 'done', done, [N], `N = ${N} from q`);
  requireFinite(OP, 'q', q);
  requireLabels(OP, 'actions', actions, A);
  requireFinite(OP, 'rewards', rewards);
  requireFinite(OP, 'q_next', qNext);
  requireZeroOne(OP, 'done', done, 'flags 0 or 1');
  return { N, A, gamma: hyper(OP, params, 'gamma', undefined, { min: 0, max: 1 }) };
}

/**
 * loss = (1/N) Σₙ (q[n, aₙ] − yₙ)², with the TD target yₙ = rₙ + γ·(1 − doneₙ)·max_a q_next[n, a]
 * treated as a constant (no gradient flows into q_next, rewards or done).
 */
export function dqnLossForward(
  q: Tensor,
  actions: Tensor,
  rewards: Tensor,
  qNext: Tensor,
  done: Tensor,
  params: DqnLossParams = {},
): { loss: Tensor; cache: DqnLossCache } {
  const { N, A, gamma } = validateDqnLoss(q, actions, rewards, qNext, done, params);
  const residuals = new Float64Array(N);
  let sum = 0;
  for (let n = 0; n < N; n++) {
    let best = -Infinity;
    for (let a = 0; a < A; a++) best = Math.max(best, qNext.data[n * A + a]);
    const target = rewards.data[n] + gamma * (1 - done.data[n]) * best;
    residuals[n] = q.data[n * A + actions.data[n]] - target;
    sum += residuals[n] ** 2;
  }
  return { loss: scalar(sum / N), cache: { q, actions, residuals } };
}

/** dq[n, aₙ] = 2·(q[n, aₙ] − yₙ)/N · dloss; every other entry of dq is 0. */
export function dqnLossBackward(dloss: Tensor, cache: DqnLossCache): { dq: Tensor } {
  const { q, actions, residuals } = cache;
  const g = lossGradient(OP, dloss);
  const [N, A] = q.shape;
  const dq = tensor([N, A]);
  for (let n = 0; n < N; n++) dq.data[n * A + actions.data[n]] = ((2 * residuals[n]) / N) * g;
  return { dq };
}
