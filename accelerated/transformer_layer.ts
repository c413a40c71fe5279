import type { LayerOps } from '../reference/transformer_layer';
import { affineBackward, affineForward } from './affine';
import { view, type GpuTensor } from './runtime/buffers';
import { map } from './runtime/elementwise';
import { scope } from './runtime/scope';
import { layernormBackward, layernormForward } from './layernorm';
import { multiHeadAttentionBackward, multiHeadAttentionForward } from './multi_head_attention';
import { reluBackward, reluForward } from './relu';

/**
 * The twins a transformer layer is composed of: multi_head_attention (register-tiled matmuls and the
 * batched attention core), layernorm (an invocation per row), affine (matmul + column sums), relu
 * and the residual sums (one invocation per element). Every tensor stays on the device.
 */
export const GPU_LAYER_OPS: LayerOps<GpuTensor> = {
  multiHeadAttentionForward,
  multiHeadAttentionBackward,
  layernormForward,
  layernormBackward,
  affineForward,
  affineBackward,
  reluForward,
  reluBackward,
  add: (a, b) => map('transformer_layer:add', 'a + b', a, b),
  reshape: view,
  scope: (fn) => scope(fn),
};
