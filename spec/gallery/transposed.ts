/** Gallery: affine whose forward returns out transposed, (M, N) instead of (N, M); its backward is right. */
import { affineBackward, affineForward as correctForward } from './correct';

interface Tensor {
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

export { affineBackward };

export function affineForward(x: Tensor, w: Tensor, b: Tensor) {
  const { out, cache } = correctForward(x, w, b);
  const [N, M] = out.shape;
  const t = new Float64Array(N * M);
  for (let n = 0; n < N; n++) for (let m = 0; m < M; m++) t[m * N + n] = out.data[n * M + m];
  return { out: { shape: [M, N], data: t }, cache };
}
