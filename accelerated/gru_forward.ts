import { GRU, validateGruForward } from '../reference/gru_forward';
import type { GpuTensor } from './buffers';
import { gruTwinBackward, gruTwinForward, type GruTwinCache } from './gru';

/** Twin of reference/gru_forward (PyTorch's nn.GRU): kernels and tiling in gru.ts. */
export function gruForward(x: GpuTensor, h0: GpuTensor, weight_ih: GpuTensor, weight_hh: GpuTensor, bias_ih: GpuTensor, bias_hh: GpuTensor) {
  const sizes = validateGruForward(x, h0, weight_ih, weight_hh, bias_ih, bias_hh);
  return gruTwinForward(GRU, sizes, x, h0, weight_ih, weight_hh, bias_ih, bias_hh);
}

export const gruBackward = (dh: GpuTensor, cache: GruTwinCache) => gruTwinBackward(dh, cache);
