/**
 * Gallery (bundle): the split submission, part 3: svm and softmax losses, with the softmax in a
 * subfolder module imported the TypeScript way (`.js` for a .ts file).
 */
import { zeros, type Tensor } from './lib/tensor';
import { softmaxRows } from './lib/softmax.js';

export function svmLossForward(x: Tensor, y: Tensor) {
  const [N, C] = x.shape;
  let loss = 0;
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < C; j++) {
      if (j !== y.data[i]) loss += Math.max(0, x.data[i * C + j] - x.data[i * C + y.data[i]] + 1);
    }
  }
  return { loss: { shape: [], data: Float64Array.of(loss / N) }, cache: { x, y } };
}

export function svmLossBackward(dloss: Tensor, cache: { x: Tensor; y: Tensor }) {
  const { x, y } = cache;
  const [N, C] = x.shape;
  const dx = zeros([N, C]);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < C; j++) {
      if (j !== y.data[i] && x.data[i * C + j] - x.data[i * C + y.data[i]] + 1 > 0) {
        dx.data[i * C + j] += dloss.data[0] / N;
        dx.data[i * C + y.data[i]] -= dloss.data[0] / N;
      }
    }
  }
  return { dx };
}

export function softmaxLossForward(x: Tensor, y: Tensor) {
  const [N, C] = x.shape;
  const p = softmaxRows(x);
  let loss = 0;
  for (let i = 0; i < N; i++) loss -= Math.log(p[i * C + y.data[i]]);
  return { loss: { shape: [], data: Float64Array.of(loss / N) }, cache: { x, y } };
}

export function softmaxLossBackward(dloss: Tensor, cache: { x: Tensor; y: Tensor }) {
  const { x, y } = cache;
  const [N, C] = x.shape;
  const p = softmaxRows(x);
  for (let i = 0; i < N; i++) p[i * C + y.data[i]] -= 1;
  return { dx: { shape: x.shape, data: p.map((v) => (v * dloss.data[0]) / N) } };
}
