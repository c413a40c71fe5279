import * as optimizers from '../optimizers';
import { takeRows, tensor, type Tensor } from '../tensor';
import { shiftedSource, type Backend } from './backend';

/** The float64 reference backend: host tensors; nothing to upload or free. */
export const referenceBackend: Backend<Tensor> = {
  name: 'reference',
  upload: (t) => t,
  gatherRows(X, y, rows, shifts) {
    const D = X.data.length / X.shape[0];
    const Xb = tensor([rows.length, ...X.shape.slice(1)]);
    const yb = tensor([rows.length]);
    const plane = shifts ? shifts.size * shifts.size : D;
    if (D % plane !== 0) throw new Error(`gatherRows: shifts.size² (${plane}) must divide the row length ${D}`);
    rows.forEach((r, n) => {
      yb.data[n] = y.data[r];
      if (!shifts) {
        Xb.data.set(X.data.subarray(r * D, (r + 1) * D), n * D);
        return;
      }
      for (let c = 0; c < D / plane; c++) {
        for (let i = 0; i < shifts.size; i++) {
          for (let j = 0; j < shifts.size; j++) {
            const source = shiftedSource(shifts.size, i, j, shifts.dy[n], shifts.dx[n]);
            if (source >= 0) Xb.data[n * D + c * plane + i * shifts.size + j] = X.data[r * D + c * plane + source];
          }
        }
      }
    });
    return { X: Xb, y: yb };
  },
  takeRows,
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
