import * as optimizers from '../optimizers';
import { tensor, type Tensor } from '../tensor';
import type { Backend } from './backend';

/** The float64 reference backend: host tensors; nothing to upload or free. */
export const referenceBackend: Backend<Tensor> = {
  name: 'reference',
  upload: (t) => t,
  gatherRows(X, y, rows) {
    const D = X.data.length / X.shape[0];
    const Xb = tensor([rows.length, ...X.shape.slice(1)]);
    const yb = tensor([rows.length]);
    rows.forEach((r, i) => {
      Xb.data.set(X.data.subarray(r * D, (r + 1) * D), i * D);
      yb.data[i] = y.data[r];
    });
    return { X: Xb, y: yb };
  },
  async accuracy(scores, y) {
    const [N, C] = scores.shape;
    let correct = 0;
    for (let n = 0; n < N; n++) {
      let best = 0;
      for (let c = 1; c < C; c++) if (scores.data[n * C + c] > scores.data[n * C + best]) best = c;
      if (best === y.data[n]) correct++;
    }
    return correct / N;
  },
  readScalar: async (t) => t.data[0],
  optimizers,
  release: () => undefined,
};
