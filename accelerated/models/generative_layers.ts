import type { ModelOps } from '../../reference/models/generative_layers';
import { numel } from '../../reference/tensor';
import type { GpuTensor } from '../runtime/buffers';
import { pointwise } from '../runtime/pointwise';
import { WEBGPU_MODEL_OPS } from './ops';

/**
 * The twins behind the generative models (reference/models/generative_layers.ts states the
 * scheme): the model op table's twins (accelerated/models/ops.ts), so vae, gan and simclr run on
 * the device with the reference's composition. Only `axpy` is a kernel of its own (one invocation
 * per element, alpha a uniform: memory-bound, nothing to reuse).
 */
export const GPU_OPS: ModelOps<GpuTensor> = {
  ...WEBGPU_MODEL_OPS,
  axpy: (alpha, a, b) =>
    pointwise(a.gpu, {
      name: 'models:axpy',
      inputs: { a, b },
      outputs: { out: { shape: a.shape } },
      count: numel(a.shape),
      uniforms: { alpha: ['f32', alpha] },
      body: 'out[i] = alpha * a[i] + b[i];',
    }).out,
};
