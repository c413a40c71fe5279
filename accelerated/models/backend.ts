import type { Backend } from '../../reference/models/backend';
import { tensor } from '../../reference/tensor';
import { read, release, upload, type GpuTensor } from '../runtime/buffers';
import { keep, scope } from '../runtime/scope';
import type { Gpu } from '../runtime/device';
import * as optimizers from '../optimizers';
import { pointwise } from '../runtime/pointwise';
import { sumAll } from '../runtime/reduce';
import { WEBGPU_MODEL_OPS } from './ops';

/** The WebGPU backend on its device. */
export type WebgpuBackend = Backend<GpuTensor> & { readonly name: 'webgpu'; readonly gpu: Gpu };

/**
 * The WebGPU backend of the Solver: the data, weights, optimizer state and activations stay on
 * the device; the host uploads the minibatch row numbers and reads back one scalar per loss or
 * accuracy. Kernels (accelerated/runtime/pointwise.ts: one invocation per element, no shared memory):
 *   gather    one invocation per (row, column) of the minibatch copies X[rows[r], c]; column 0 also copies the label.
 *             With ImageShifts (Solver augmentation) the column c = (channel, i, j) reads pixel
 *             (i − dy[r], j − dx[r]) of its channel, or writes 0 where that lies outside the image
 *             (shiftedSource of reference/models/backend.ts); the per-row dy, dx are uploaded with the rows.
 *   take_rows one invocation per element of the rows taken: out[r, j] = t[rows[r], j], in t's dtype.
 *   accuracy  one invocation per sample walks its C scores for the arg-max (first maximum, as the
 *             reference) and writes 1 or 0; the tree reduction of accelerated/runtime/reduce.ts counts them.
 */
export function webgpuBackend(gpu: Gpu): WebgpuBackend {
  return {
    name: 'webgpu',
    gpu,
    upload: (t, dtype = 'f32') => upload(gpu, t, dtype),
    gatherRows: (X, y, rows, shifts) =>
      scope(() => {
        const D = X.shape.slice(1).reduce((a, b) => a * b, 1);
        const S = shifts?.size ?? 1;
        if (shifts && D % (S * S) !== 0) throw new Error(`gatherRows: shifts.size² (${S * S}) must divide the row length ${D}`);
        // index: per row its source row, and with shifts its dy and dx
        const perRow = rows.flatMap((r, n) => (shifts ? [r, shifts.dy[n], shifts.dx[n]] : [r]));
        const index = upload(gpu, tensor([perRow.length], perRow), 'i32');
        const out = pointwise(gpu, {
          name: shifts ? 'models:gather-shifted' : 'models:gather',
          inputs: { X, y, index },
          outputs: { Xb: { shape: [rows.length, ...X.shape.slice(1)] }, yb: { shape: [rows.length], dtype: 'i32' } },
          uniforms: { D: ['u32', D], S: ['i32', S] },
          count: rows.length * D,
          body: shifts
            ? `
  let r = i / D;
  let c = i % D;
  let source = u32(index[3u * r]);
  let plane = c / u32(S * S);
  let p = i32(c % u32(S * S));
  let si = p / S - index[3u * r + 1u];
  let sj = p % S - index[3u * r + 2u];
  let inside = si >= 0 && si < S && sj >= 0 && sj < S;
  let src = source * D + plane * u32(S * S) + u32(select(0, si * S + sj, inside));
  Xb[i] = select(0.0, X[src], inside);
  if (c == 0u) { yb[r] = y[source]; }`
            : `
  let r = i / D;
  let c = i % D;
  let source = u32(index[r]);
  Xb[i] = X[source * D + c];
  if (c == 0u) { yb[r] = y[source]; }`,
        });
        return { X: out.Xb, y: out.yb };
      }),
    takeRows: (t, rows) =>
      scope(() => {
        const D = t.shape.slice(1).reduce((a, b) => a * b, 1);
        const index = upload(gpu, tensor([rows.length], rows), 'i32');
        return pointwise(gpu, {
          name: 'models:take_rows',
          inputs: { t, index },
          outputs: { out: { shape: [rows.length, ...t.shape.slice(1)], dtype: t.dtype } },
          uniforms: { D: ['u32', D] },
          count: rows.length * D,
          body: 'out[i] = t[u32(index[i / D]) * D + i % D];',
        }).out;
      }),
    accuracy: (scores, y) =>
      scope(async () => {
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
        return (await read(sumAll(hits, 1 / N))).data[0];
      }),
    read,
    readScalar: async (t) => (await read(t)).data[0],
    optimizers,
    ops: WEBGPU_MODEL_OPS,
    release: (...ts) => release(...ts),
    scope: (fn) => scope(fn),
    keep,
  };
}
