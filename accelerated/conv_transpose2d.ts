import type { ConvGeometry } from '../reference/conv2d';
import { validateConvTranspose2d, type ConvTranspose2dParams } from '../reference/conv_transpose2d';
import { requireShape } from '../reference/validate';
import type { GpuTensor } from './runtime/buffers';
import { channelSums, convForward, convInputGrad, convWeightGrad } from './conv2d';

/**
 * Twin of reference/conv_transpose2d through the conv2d kernels (accelerated/conv2d.ts, tiling
 * stated there). The transposed convolution is the adjoint of the conv2d `A` whose input is the
 * transposed output (N, F, H', W'), whose weight is w read as (C filters, F channels, HH, WW) and
 * whose output is x's shape (N, C, H, W). Hence
 *   out = Aᵀx + b  → conv2d's input-gradient GEMM (with the bias added on store),
 *   dx  = A·dout   → conv2d's forward GEMM,
 *   dw  → conv2d's weight-gradient GEMM with dout as its input and x as its upstream gradient,
 *   db  → the same per-channel sum.
 */
export interface ConvTranspose2dCache {
  x: GpuTensor;
  w: GpuTensor;
  adjoint: ConvGeometry;
}

export function convTranspose2dForward(
  x: GpuTensor,
  w: GpuTensor,
  b: GpuTensor,
  params: ConvTranspose2dParams = {},
): { out: GpuTensor; cache: ConvTranspose2dCache } {
  const { N, C, H, W, F, HH, WW, Ho, Wo, stride, pad } = validateConvTranspose2d(x, w, b, params);
  const adjoint: ConvGeometry = { N, C: F, H: Ho, W: Wo, F: C, HH, WW, Ho: H, Wo: W, stride, pad, dilation: 1, groups: 1 };
  return { out: convInputGrad(x, w, b, adjoint), cache: { x, w, adjoint } };
}

export function convTranspose2dBackward(dout: GpuTensor, cache: ConvTranspose2dCache): { dx: GpuTensor; dw: GpuTensor; db: GpuTensor } {
  const { x, w, adjoint } = cache;
  // The output is the adjoint conv2d's input.
  requireShape('conv_transpose2d_backward', 'dout', dout, [adjoint.N, adjoint.C, adjoint.H, adjoint.W], 'the forward output shape');
  return {
    dx: convForward(dout, w, undefined, adjoint),
    dw: convWeightGrad(dout, x, adjoint),
    db: channelSums(dout),
  };
}
