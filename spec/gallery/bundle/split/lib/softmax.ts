/** Row-wise softmax for the split submission's losses. */
import type { Tensor } from './tensor';

export function softmaxRows(x: Tensor): Float64Array {
  const [N, C] = x.shape;
  const p = new Float64Array(N * C);
  for (let i = 0; i < N; i++) {
    const row = x.data.subarray(i * C, (i + 1) * C);
    const max = Math.max(...row);
    const z = row.reduce((a, v) => a + Math.exp(v - max), 0);
    row.forEach((v, j) => (p[i * C + j] = Math.exp(v - max) / z));
  }
  return p;
}
