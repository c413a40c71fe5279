import { validatePixelShuffle, type PixelShuffleGeometry, type PixelShuffleParams } from '../reference/pixel_shuffle';
import { requireShape } from '../reference/validate';
import { zeros, type GpuTensor } from './runtime/buffers';
import { launch, opKernels } from './runtime/kernel';

/**
 * Twin of reference/pixel_shuffle, a permutation: both directions are gathers, one invocation per
 * element of the tensor written, which reads the one element it comes from.
 */
export interface PixelShuffleCache {
  geometry: PixelShuffleGeometry;
}

const UNIFORMS = { C: 'u32', H: 'u32', W: 'u32', r: 'u32' } as const;
const fields = ({ C, H, W, r }: PixelShuffleGeometry) => ({ C, H, W, r });

const kernels = opKernels(
  'pixel_shuffle',
  { uniforms: UNIFORMS },
  {
    /** out[n, c, h·r + a, w·r + b] = x[n, c·r² + a·r + b, h, w], for output element i. */
    forward: {
      inputs: { x: 'f32' },
      outputs: { out: 'f32' },
      body: `
  let Wr = u.W * u.r;
  let Hr = u.H * u.r;
  let col = i % Wr;
  let row = (i / Wr) % Hr;
  let nc = i / (Wr * Hr);
  let channel = nc * u.r * u.r + (row % u.r) * u.r + col % u.r;
  out[i] = x[(channel * u.H + row / u.r) * u.W + col / u.r];`,
    },
    /** dx[n, c·r² + a·r + b, h, w] = dout[n, c, h·r + a, w·r + b], for input element i. */
    backward: {
      inputs: { dout: 'f32' },
      outputs: { dx: 'f32' },
      body: `
  let w = i % u.W;
  let h = (i / u.W) % u.H;
  let channel = i / (u.W * u.H);
  let a = (channel / u.r) % u.r;
  let b = channel % u.r;
  let nc = channel / (u.r * u.r);
  dx[i] = dout[(nc * u.H * u.r + h * u.r + a) * u.W * u.r + w * u.r + b];`,
    },
  },
);

export function pixelShuffleForward(x: GpuTensor, params: PixelShuffleParams): { out: GpuTensor; cache: PixelShuffleCache } {
  const geometry = validatePixelShuffle(x, params);
  const { N, C, H, W, r } = geometry;
  const out = zeros(x.gpu, [N, C, H * r, W * r]);
  launch(x.gpu, kernels.forward, { x, out }, { count: N * C * H * r * W * r, ...fields(geometry) });
  return { out, cache: { geometry } };
}

export function pixelShuffleBackward(dout: GpuTensor, cache: PixelShuffleCache): { dx: GpuTensor } {
  const { geometry } = cache;
  const { N, C, H, W, r } = geometry;
  requireShape('pixel_shuffle_backward', 'dout', dout, [N, C, H * r, W * r], 'the forward output shape');
  const dx = zeros(dout.gpu, [N, C * r * r, H, W]);
  launch(dout.gpu, kernels.backward, { dout, dx }, { count: N * C * r * r * H * W, ...fields(geometry) });
  return { dx };
}
