import { requireDout, validateLastAxis } from '../reference/softmax';
import { numel } from '../reference/tensor';
import type { GpuTensor } from './runtime/buffers';
import { pointwise } from './runtime/pointwise';

/**
 * Twins of softmax and log_softmax over the last axis (C = last dimension). Tiling: one invocation
 * per row walks its C entries three times (max, normalizer, write) — no shared memory or barriers;
 * rows are independent and C is small next to the number of rows in these ops. Each op supplies
 *   value: out[k] from x[k], the row max m and normalizer z = Σ exp(x − m);
 *   term:  what the backward sums over the row into `total`;  grad: dx[k] from out[k], dout[k], total.
 */
export interface LastAxisOp {
  op: string;
  value: string;
  term: string;
  grad: string;
}

export interface LastAxisCache {
  out: GpuTensor;
  spec: LastAxisOp;
}

function lastAxisForward(spec: LastAxisOp, x: GpuTensor): { out: GpuTensor; cache: LastAxisCache } {
  const { rows, C } = validateLastAxis(spec.op, x);
  const { out } = pointwise(x.gpu, {
    name: `${spec.op}:forward`,
    inputs: { x },
    outputs: { out: { shape: x.shape } },
    uniforms: { C: ['u32', C] },
    count: rows,
    body: `
  let row = i * C;
  var m = x[row];
  for (var j = 1u; j < C; j++) { m = max(m, x[row + j]); }
  var z = 0.0;
  for (var j = 0u; j < C; j++) { z += exp(x[row + j] - m); }
  for (var j = 0u; j < C; j++) { let k = row + j; out[k] = ${spec.value}; }`,
  });
  return { out, cache: { out, spec } };
}

function lastAxisBackward(dout: GpuTensor, cache: LastAxisCache): { dx: GpuTensor } {
  const { out, spec } = cache;
  requireDout(spec.op, dout, out);
  const C = out.shape[out.shape.length - 1];
  const { dx } = pointwise(out.gpu, {
    name: `${spec.op}:backward`,
    inputs: { out, dout },
    outputs: { dx: { shape: out.shape } },
    uniforms: { C: ['u32', C] },
    count: numel(out.shape) / C,
    body: `
  let row = i * C;
  var total = 0.0;
  for (var j = 0u; j < C; j++) { let k = row + j; total += ${spec.term}; }
  for (var j = 0u; j < C; j++) { let k = row + j; dx[k] = ${spec.grad}; }`,
  });
  return { dx };
}

/** The forward and backward twins of one last-axis op. */
export const lastAxisTwin = (spec: LastAxisOp) => ({ forward: (x: GpuTensor) => lastAxisForward(spec, x), backward: lastAxisBackward });

/** softmax: out = exp(x − m)/z;  dx = out·(dout − Σ dout·out) */
export const { forward: softmaxForward, backward: softmaxBackward } = lastAxisTwin({
  op: 'softmax',
  value: 'exp(x[k] - m) / z',
  term: 'dout[k] * out[k]',
  grad: 'out[k] * (dout[k] - total)',
});
