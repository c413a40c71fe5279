/**
 * Gallery (bundle): a legitimate submission split across files, part 1: affine (the code of
 * spec/gallery/correct.ts). Its relative imports stay inside its folder: full marks.
 */
import { zeros, type Tensor } from './lib/tensor';

export function affineForward(x: Tensor, w: Tensor, b: Tensor) {
  const [D, M] = w.shape;
  const N = x.shape[0];
  const out = zeros([N, M]);
  for (let n = 0; n < N; n++) {
    for (let m = 0; m < M; m++) {
      let s = b.data[m];
      for (let d = 0; d < D; d++) s += x.data[n * D + d] * w.data[d * M + m];
      out.data[n * M + m] = s;
    }
  }
  return { out, cache: { x, w } };
}

export function affineBackward(dout: Tensor, cache: { x: Tensor; w: Tensor }) {
  const { x, w } = cache;
  const [D, M] = w.shape;
  const N = x.shape[0];
  const dx = zeros(x.shape);
  const dw = zeros([D, M]);
  const db = zeros([M]);
  for (let n = 0; n < N; n++) {
    for (let m = 0; m < M; m++) {
      const g = dout.data[n * M + m];
      db.data[m] += g;
      for (let d = 0; d < D; d++) {
        dx.data[n * D + d] += g * w.data[d * M + m];
        dw.data[d * M + m] += x.data[n * D + d] * g;
      }
    }
  }
  return { dx, dw, db };
}
