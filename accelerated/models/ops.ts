import { pickModelOps, type ModelOpTable } from '../../reference/models/ops';
import { release, upload, view, type GpuTensor } from '../runtime/buffers';
import { map } from '../runtime/elementwise';
import { scope } from '../runtime/scope';
import { OP_EXPORTS } from './op_modules';

/**
 * The model op table of reference/models/ops.ts on the device: every entry the WebGPU twin of the
 * reference op (picked by name from the twins' exports, op_modules.ts), so a model written over the
 * table runs on the device with the reference's composition. A model runs its passes in `scope`
 * (accelerated/runtime/scope.ts), which frees the caches and intermediates. `add` is the
 * elementwise kernel of accelerated/runtime/elementwise.ts.
 */
export const WEBGPU_MODEL_OPS: ModelOpTable<GpuTensor> = {
  ...pickModelOps(OP_EXPORTS),
  add: (a, b) => map('models_add', 'a + b', a, b),
  constant: (like, t) => upload(like.gpu, t),
  view,
  release: (...ts) => release(...ts),
  scope: (fn) => scope(fn),
};
