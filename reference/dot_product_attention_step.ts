import { softmaxBackward, softmaxForward, type SoftmaxCache } from './softmax';
import { tensor, type Tensor } from './tensor';
import { InputError, requireFinite, requirePositiveSizes, requireRank, requireShape, type Shaped } from './validate';

const OP = 'dot_product_attention_step';

export interface DotProductAttentionStepCache {
  prevH: Tensor;
  A: Tensor;
  weights: SoftmaxCache;
}

/** prev_h (N, H), A (N, H, D_a, D_a) with a square spatial grid, both non-empty and finite. */
export function validateDotProductAttentionStep(prevH: Shaped, A: Shaped): { N: number; H: number; P: number } {
  requireRank(OP, 'prev_h', prevH, 2);
  const [N, H] = prevH.shape;
  requireRank(OP, 'A', A, 4);
  requireShape(OP, 'A', A, [N, H, 'D_a', 'D_a'], `N = ${N}, H = ${H} from prev_h`);
  const [, , rows, cols] = A.shape;
  if (rows !== cols) throw new InputError(OP, 'A', 'a square spatial grid (D_a, D_a)', `[${rows}, ${cols}]`);
  requirePositiveSizes(OP, 'prev_h', prevH);
  requirePositiveSizes(OP, 'A', A);
  requireFinite(OP, 'prev_h', prevH);
  requireFinite(OP, 'A', A);
  return { N, H, P: rows * cols };
}

/**
 * The attention step of the attention LSTM captioner (EECS498 A4 / cs231n "LSTM with attention"):
 * prev_h (N, H) attends over the P = D_a² positions of the projected CNN features A (N, H, D_a, D_a):
 *   M[n, p] = Σ_h prev_h[n, h]·A[n, h, p] / √H,   attn_weights[n, :] = softmax_p(M[n, :]),
 *   attn[n, h] = Σ_p A[n, h, p]·attn_weights[n, p]
 * → attn (N, H), attn_weights (N, D_a, D_a).
 */
export function dotProductAttentionStepForward(prevH: Tensor, A: Tensor): { attn: Tensor; attn_weights: Tensor; cache: DotProductAttentionStepCache } {
  const { N, H, P } = validateDotProductAttentionStep(prevH, A);
  const scale = 1 / Math.sqrt(H);
  const scores = tensor([N, P]);
  for (let n = 0; n < N; n++)
    for (let p = 0; p < P; p++) {
      let s = 0;
      for (let h = 0; h < H; h++) s += prevH.data[n * H + h] * A.data[(n * H + h) * P + p];
      scores.data[n * P + p] = s * scale;
    }
  const weights = softmaxForward(scores);
  const w = weights.out.data;
  const attn = tensor([N, H]);
  for (let n = 0; n < N; n++)
    for (let h = 0; h < H; h++) {
      let s = 0;
      for (let p = 0; p < P; p++) s += A.data[(n * H + h) * P + p] * w[n * P + p];
      attn.data[n * H + h] = s;
    }
  const [, , Da] = A.shape;
  return { attn, attn_weights: tensor([N, Da, Da], w), cache: { prevH, A, weights: weights.cache } };
}

/**
 * With upstream gradients dattn (N, H) and dattn_weights (N, D_a, D_a):
 *   dW[n, p] = dattn_weights[n, p] + Σ_h dattn[n, h]·A[n, h, p];   dM = softmax backward of dW;
 *   dprev_h[n, h] = Σ_p dM[n, p]·A[n, h, p] / √H;
 *   dA[n, h, p] = dattn[n, h]·attn_weights[n, p] + prev_h[n, h]·dM[n, p] / √H
 */
export function dotProductAttentionStepBackward(dattn: Tensor, dattnWeights: Tensor, cache: DotProductAttentionStepCache): { dprev_h: Tensor; dA: Tensor } {
  const { prevH, A, weights } = cache;
  const [N, H] = prevH.shape;
  const P = weights.out.shape[1];
  requireShape(`${OP}_backward`, 'dattn', dattn, [N, H], 'the shape of attn');
  requireShape(`${OP}_backward`, 'dattn_weights', dattnWeights, A.shape.slice(0, 1).concat(A.shape.slice(2)), 'the shape of attn_weights');
  const scale = 1 / Math.sqrt(H);
  const dW = tensor([N, P]);
  for (let n = 0; n < N; n++)
    for (let p = 0; p < P; p++) {
      let s = dattnWeights.data[n * P + p];
      for (let h = 0; h < H; h++) s += dattn.data[n * H + h] * A.data[(n * H + h) * P + p];
      dW.data[n * P + p] = s;
    }
  const dM = softmaxBackward(dW, weights).dx.data;
  const w = weights.out.data;
  const dprevH = tensor([N, H]);
  const dA = tensor(A.shape);
  for (let n = 0; n < N; n++)
    for (let h = 0; h < H; h++)
      for (let p = 0; p < P; p++) {
        const i = (n * H + h) * P + p;
        dprevH.data[n * H + h] += dM[n * P + p] * A.data[i] * scale;
        dA.data[i] = dattn.data[n * H + h] * w[n * P + p] + prevH.data[n * H + h] * dM[n * P + p] * scale;
      }
  return { dprev_h: dprevH, dA };
}
