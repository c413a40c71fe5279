import * as optimizers from '../optimizers';
import { takeRows, tensor, type Tensor } from '../tensor';
import { shiftedSource, type Backend } from './backend';
import { REFERENCE_MODEL_OPS } from './ops';

export type ReferenceBackend = Backend<Tensor> & { readonly name: 'reference' };

/** The float64 reference backend: host tensors; nothing to upload, read back or free. */
export const referenceBackend: ReferenceBackend = {
  name: 'reference',
  upload: (t) => t,
  gatherRows(X, y, rows, shifts) {
    if (!shifts) return { X: takeRows(X, rows), y: takeRows(y, rows) };
    const D = X.data.length / X.shape[0];
    const Xb = tensor([rows.length, ...X.shape.slice(1)]);
    const plane = shifts.size * shifts.size;
    if (D % plane !== 0) throw new Error(`gatherRows: shifts.size² (${plane}) must divide the row length ${D}`);
    rows.forEach((r, n) => {
      for (let c = 0; c < D / plane; c++) {
        for (let i = 0; i < shifts.size; i++) {
          for (let j = 0; j < shifts.size; j++) {
            const source = shiftedSource(shifts.size, i, j, shifts.dy[n], shifts.dx[n]);
            if (source >= 0) Xb.data[n * D + c * plane + i * shifts.size + j] = X.data[r * D + c * plane + source];
          }
        }
      }
    });
    return { X: Xb, y: takeRows(y, rows) };
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
  read: async (t) => t,
  readScalar: async (t) => t.data[0],
  optimizers,
  ops: REFERENCE_MODEL_OPS,
  release: () => undefined,
  scope: (fn) => fn(),
  keep: (value) => value,
};
