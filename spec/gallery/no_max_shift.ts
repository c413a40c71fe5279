/**
 * Gallery: softmax_loss as the formula reads, L = (1/N) Σᵢ (log Σⱼ exp(x_ij) − x_iyᵢ), without
 * subtracting each row's maximum first. Right for moderate scores; at scores of ±1000 exp overflows to
 * Infinity (or underflows to 0) and the loss becomes NaN. With one class its loss is log(exp(x)) − x,
 * round-off of about 1e-16 rather than exactly 0: centered differences see ~1e-12 of noise around a
 * true gradient of 0, which the gradient check must not hold against its correct backward.
 */
interface Tensor {
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

export function softmaxLossForward(x: Tensor, y: Tensor) {
  const [N, C] = x.shape;
  let loss = 0;
  for (let i = 0; i < N; i++) {
    let z = 0;
    for (let j = 0; j < C; j++) z += Math.exp(x.data[i * C + j]);
    loss += Math.log(z) - x.data[i * C + y.data[i]];
  }
  return { loss: { shape: [], data: Float64Array.of(loss / N) }, cache: { x, y } };
}

export function softmaxLossBackward(dloss: Tensor, cache: { x: Tensor; y: Tensor }) {
  const { x, y } = cache;
  const [N, C] = x.shape;
  const dx = { shape: [N, C], data: new Float64Array(N * C) };
  for (let i = 0; i < N; i++) {
    let z = 0;
    for (let j = 0; j < C; j++) z += Math.exp(x.data[i * C + j]);
    for (let j = 0; j < C; j++) {
      dx.data[i * C + j] = (dloss.data[0] * (Math.exp(x.data[i * C + j]) / z - (j === y.data[i] ? 1 : 0))) / N;
    }
  }
  return { dx };
}
