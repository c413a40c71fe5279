/** Gallery: affine whose backward sums db over all rows but the last (an off-by-one loop bound). */
import { affineForward, affineBackward as correctBackward } from './correct';

interface Tensor {
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

export { affineForward };

export function affineBackward(dout: Tensor, cache: { x: Tensor; w: Tensor }) {
  const grads = correctBackward(dout, cache);
  const [N, M] = dout.shape;
  const db = new Float64Array(M);
  for (let n = 0; n < N - 1; n++) for (let m = 0; m < M; m++) db[m] += dout.data[n * M + m];
  return { ...grads, db: { shape: [M], data: db } };
}
