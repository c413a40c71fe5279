import type { Backend } from '../../reference/models/backend';
import { tensor } from '../../reference/tensor';
import { read, release, upload, type GpuTensor } from '../buffers';
import type { Gpu } from '../device';
import * as optimizers from '../optimizers';
import { pointwise } from '../pointwise';
import { sumAll } from '../reduce';

/**
 * The WebGPU backend of the Solver: the data, weights, optimizer state and activations stay on
 * the device; the host uploads the minibatch row numbers and reads back one scalar per loss or
 * accuracy. Kernels (accelerated/pointwise.ts: one invocation per element, no shared memory):
 *   gather    one invocation per (row, column) of the minibatch copies X[rows[r], c]; column 0 also copies the label.
 *   accuracy  one invocation per sample walks its C scores for the arg-max (first maximum, as the
 *             reference) and writes 1 or 0; the tree reduction of accelerated/reduce.ts counts them.
 */
export function webgpuBackend(gpu: Gpu): Backend<GpuTensor> {
  return {
    name: 'webgpu',
    upload: (t, dtype = 'f32') => upload(gpu, t, dtype),
    gatherRows(X, y, rows) {
      const D = X.shape.slice(1).reduce((a, b) => a * b, 1);
      const index = upload(gpu, tensor([rows.length], rows), 'i32');
      const out = pointwise(gpu, {
        name: 'models:gather',
        inputs: { X, y, index },
        outputs: { Xb: { shape: [rows.length, ...X.shape.slice(1)] }, yb: { shape: [rows.length], dtype: 'i32' } },
        uniforms: { D: ['u32', D] },
        count: rows.length * D,
        body: `
  let r = i / D;
  let c = i % D;
  let source = u32(index[r]);
  Xb[i] = X[source * D + c];
  if (c == 0u) { yb[r] = y[source]; }`,
      });
      release(index);
      return { X: out.Xb, y: out.yb };
    },
    async accuracy(scores, y) {
      const [N, C] = scores.shape;
      const { hits } = pointwise(gpu, {
        name: 'models:accuracy',
        inputs: { scores, y },
        outputs: { hits: { shape: [N] } },
        uniforms: { C: ['u32', C] },
        count: N,
        body: `
  var best = 0u;
  for (var c = 1u; c < C; c++) { if (scores[i * C + c] > scores[i * C + best]) { best = c; } }
  hits[i] = select(0.0, 1.0, i32(best) == y[i]);`,
      });
      const fraction = sumAll(hits, 1 / N);
      const value = (await read(fraction)).data[0];
      release(hits, fraction);
      return value;
    },
    readScalar: async (t) => (await read(t)).data[0],
    optimizers,
    release: (...ts) => release(...ts),
  };
}
