import { view, type GpuTensor } from './runtime/buffers';
import { matmul } from './runtime/matmul';
import { pointwise } from './runtime/pointwise';
import { scope } from './runtime/scope';

/**
 * Gram matrices on the device, shared by gram_matrix and style_loss. The batch is stacked into one
 * (N·C, H·W) matrix F so that a single call of the shared register-tiled matmul forms F·Fᵀ; the
 * Gram matrices are its diagonal (C, C) blocks, gathered and scaled by one invocation per output.
 * (Style transfer has N = 1; for N > 1 the off-diagonal blocks are extra work, traded for one
 * launch instead of N.) Backward: one invocation per element of the block-diagonal
 * S = scale·(dG + dGᵀ), then dF = S·F by the same matmul.
 */
export function gramMatrices(features: GpuTensor, scale: number): GpuTensor {
  const [N, C, H, W] = features.shape;
  const stacked = view(features, [N * C, H * W]);
  return scope(() => {
    const full = matmul(stacked, stacked, { transB: true });
    const { out } = pointwise(features.gpu, {
      name: 'gram:blocks',
      inputs: { full },
      outputs: { out: { shape: [N, C, C] } },
      count: N * C * C,
      uniforms: { C: ['u32', C], NC: ['u32', N * C], scale: ['f32', scale] },
      body: `let n = i / (C * C);
  let c = (i / C) % C;
  let d = i % C;
  out[i] = full[(n * C + c) * NC + n * C + d] * scale;`,
    });
    return out;
  });
}

export function gramMatricesBackward(dgram: GpuTensor, features: GpuTensor, scale: number): GpuTensor {
  const [N, C, H, W] = features.shape;
  const NC = N * C;
  return scope(() => {
    const { sym } = pointwise(features.gpu, {
      name: 'gram:backward-blocks',
      inputs: { dgram },
      outputs: { sym: { shape: [NC, NC] } },
      count: NC * NC,
      uniforms: { C: ['u32', C], NC: ['u32', NC], scale: ['f32', scale] },
      body: `let r = i / NC;
  let k = i % NC;
  let n = r / C;
  if (k / C != n) { sym[i] = 0.0; return; }
  let base = n * C * C;
  let c = r % C;
  let d = k % C;
  sym[i] = scale * (dgram[base + c * C + d] + dgram[base + d * C + c]);`,
    });
    const dstacked = matmul(sym, view(features, [NC, H * W]));
    return view(dstacked, features.shape);
  });
}
