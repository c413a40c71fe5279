import { validateConv2d, type Conv2dParams, type ConvGeometry } from '../reference/conv2d';
import { requireShape } from '../reference/validate';
import { empty, zeros, view, type GpuTensor } from './runtime/buffers';
import { forwardKernel, slide } from './conv2d_forward';
import { inputGradKernel } from './conv2d_input_grad';
import { launchTiles } from './conv2d_tiles';
import { weightGradKernel } from './conv2d_weight_grad';
import { kernel, launch } from './runtime/kernel';
import { pointwise } from './runtime/pointwise';
import { columnSums, rowSums } from './runtime/reduce';
import { scope } from './runtime/scope';

/**
 * Twin of reference/conv2d: forward, dx and dw are three implicit GEMMs (x is gathered inside the
 * kernels, no im2col buffer; the forward and dw read x through a zero-padded copy), db a
 * per-channel sum. conv_transpose2d reuses them (its forward is the dx GEMM, its dx the forward
 * GEMM). With stride 1 and dilation 1, dx runs as the forward GEMM of the padded dout with flipped
 * filters (convInputGrad).
 *
 * The GEMM kernels, each with its tiling: conv2d_forward.ts (8×4 or 16×4 tiles sliding along an
 * output row with stride 1 and dilation 1, else 4×4), conv2d_input_grad.ts (4×4, a gather) and
 * conv2d_weight_grad.ts (4×4 or 4×8 tiles sliding along a kernel row, split-K); the register
 * tiling they share is in conv2d_tiles.ts. dw and db have few outputs, each a long sum (N·H'·W'
 * terms), so their reductions are split into parts summed by separate invocations, then added by
 * accelerated/runtime/reduce.ts's column sum (split-K), which keeps every core busy.
 */

/** x (N, C, H, W) → the same with padH / padW zeros around each plane. One invocation per output element. */
const padKernel = kernel({
  name: 'conv2d:pad',
  inputs: { src: 'f32' },
  outputs: { dst: 'f32' },
  uniforms: { H: 'u32', W: 'u32', padH: 'u32', padW: 'u32' },
  body: `let Wp = u.W + 2u * u.padW;
  let Hp = u.H + 2u * u.padH;
  let plane = i / (Hp * Wp);
  let h = i32((i / Wp) % Hp) - i32(u.padH);
  let w = i32(i % Wp) - i32(u.padW);
  let inside = h >= 0 && h < i32(u.H) && w >= 0 && w < i32(u.W);
  let at = select(0u, (plane * u.H + u32(h)) * u.W + u32(w), inside);
  dst[i] = select(0.0, src[at], inside);`,
});

/**
 * x with its padding written out as zeros (padH rows, padW columns; both g.pad unless given), and
 * the geometry that reads it with pad 0.
 */
function padded(x: GpuTensor, g: ConvGeometry, padH = g.pad, padW = g.pad): { xp: GpuTensor; gp: ConvGeometry } {
  if (padH === 0 && padW === 0) return { xp: x, gp: g };
  const [H, W] = [g.H + 2 * padH, g.W + 2 * padW];
  const xp = empty(x.gpu, [g.N, g.C, H, W]);
  launch(x.gpu, padKernel, { src: x, dst: xp }, { count: g.N * g.C * H * W, H: g.H, W: g.W, padH, padW });
  return { xp, gp: { ...g, H, W, pad: 0 } };
}

/** out (N, F, Ho, Wo) = conv(x, w) (+ bias[f]). */
export function convForward(x: GpuTensor, w: GpuTensor, bias: GpuTensor | undefined, g: ConvGeometry): GpuTensor {
  return scope(() => {
    const out = zeros(x.gpu, [g.N, g.F, g.Ho, g.Wo]);
    const { xp, gp } = padded(x, g);
    const sliding = g.stride === 1 && g.dilation === 1;
    const R = sliding ? slide(g.WW) : 4;
    const k = forwardKernel(!!bias, sliding, sliding ? g.HH : 0, sliding ? g.WW : 0);
    launchTiles(k, { x: xp, w, ...(bias ? { bias } : {}), out }, gp, g.N * g.Ho * Math.ceil(g.Wo / R) * R, g.F / g.groups, R);
    return out;
  });
}

/**
 * dx (N, C, H, W) of conv(x, w) for upstream dout (N, F, Ho, Wo) (+ bias[c]: conv_transpose2d's
 * forward). With stride 1 and dilation 1, dx is the forward convolution of dout, padded by
 * HH − 1 − pad rows and WW − 1 − pad columns, with the filters flipped and their in/out channels
 * swapped (flippedFilters), so it runs on the sliding forward kernel (x loads shared across 8
 * positions) instead of the gathering input-gradient kernel.
 */
export function convInputGrad(dout: GpuTensor, w: GpuTensor, bias: GpuTensor | undefined, g: ConvGeometry): GpuTensor {
  const [padH, padW] = [g.HH - 1 - g.pad, g.WW - 1 - g.pad];
  if (g.stride === 1 && g.dilation === 1 && padH >= 0 && padW >= 0) {
    const adjoint: ConvGeometry = { ...g, C: g.F, H: g.Ho, W: g.Wo, F: g.C, Ho: g.H, Wo: g.W, pad: 0 };
    return scope(() => {
      const { xp, gp } = padded(dout, adjoint, padH, padW);
      return convForward(xp, flippedFilters(w, g), bias, gp);
    });
  }
  const dx = zeros(dout.gpu, [g.N, g.C, g.H, g.W]);
  launchTiles(inputGradKernel(!!bias), { dout, w, ...(bias ? { bias } : {}), dx }, g, g.N * g.H * g.W, g.C / g.groups);
  return dx;
}

/** w (F, C/groups, HH, WW) → w' (C, F/groups, HH, WW), w'[g·Cg + c, f, kh, kw] = w[g·Fg + f, c, HH−1−kh, WW−1−kw]. */
function flippedFilters(w: GpuTensor, g: ConvGeometry): GpuTensor {
  const [Cg, Fg] = [g.C / g.groups, g.F / g.groups];
  return pointwise(w.gpu, {
    name: 'conv2d:flipped-filters',
    inputs: { w },
    outputs: { flipped: { shape: [g.C, Fg, g.HH, g.WW] } },
    uniforms: { Cg: ['u32', Cg], Fg: ['u32', Fg], HH: ['u32', g.HH], WW: ['u32', g.WW] },
    count: g.C * Fg * g.HH * g.WW,
    body: `let kw = i % WW;
  let kh = (i / WW) % HH;
  let f = (i / (WW * HH)) % Fg;
  let c = i / (WW * HH * Fg);
  flipped[i] = w[((((c / Cg) * Fg + f) * Cg + c % Cg) * HH + HH - 1u - kh) * WW + WW - 1u - kw];`,
  }).flipped;
}

/** Invocations the split-K weight gradient aims for: 32 workgroups of 64, enough to keep every core busy. */
const SPLIT_K_INVOCATIONS = 2048;
/** Fewest reduction rows (n, oh) per part, so that a part's work outweighs its share of the column sum. */
const MIN_CHUNK = 4;

/** dw (F, C/groups, HH, WW) of conv(x, w) for upstream dout (N, F, Ho, Wo). */
export function convWeightGrad(x: GpuTensor, dout: GpuTensor, g: ConvGeometry): GpuTensor {
  const [Cg, Fg] = [g.C / g.groups, g.F / g.groups];
  const taps = g.stride !== 1 || g.dilation !== 1 ? 0 : g.WW > 4 ? 8 : 4;
  // GEMM rows and columns as launchTiles counts them (see weightGradKernel).
  const rows = taps === 8 ? Math.ceil(Fg / 4) * 8 : Fg;
  const cols = taps ? Cg * g.HH * Math.ceil(g.WW / taps) * 4 : Cg * g.HH * g.WW;
  const tiles = Math.ceil(Fg / 4) * Math.ceil(cols / 4) * g.groups;
  // Split-K: enough parts for SPLIT_K_INVOCATIONS invocations, each at least MIN_CHUNK rows (n, oh).
  const reduction = g.N * g.Ho;
  const chunk = Math.max(MIN_CHUNK, Math.ceil(reduction / Math.ceil(SPLIT_K_INVOCATIONS / tiles)));
  const parts = Math.ceil(reduction / chunk);
  const shape = [g.F, Cg, g.HH, g.WW];
  return scope(() => {
    const { xp, gp } = padded(x, g);
    const slabs = empty(x.gpu, parts === 1 ? shape : [parts, g.F * Cg * g.HH * g.WW]);
    launchTiles(weightGradKernel(taps), { x: xp, dout, dw: slabs }, gp, rows, cols, taps === 8 ? 8 : 4, parts, chunk);
    return parts === 1 ? slabs : view(columnSums(slabs), shape);
  });
}

/**
 * db[f] = Σ_{n, i, j} dout[n, f, i, j]: the sums of the N·F planes (rowSums), then of their N rows
 * (columnSums); one invocation per channel over all N·Ho·Wo values would leave the work to a single workgroup.
 */
export function channelSums(dout: GpuTensor): GpuTensor {
  const [N, F, Ho, Wo] = dout.shape;
  return scope(() => columnSums(view(rowSums(view(dout, [N * F, Ho * Wo])), [N, F])));
}

export interface Conv2dCache {
  x: GpuTensor;
  w: GpuTensor;
  geometry: ConvGeometry;
}

export function conv2dForward(x: GpuTensor, w: GpuTensor, b: GpuTensor, params: Conv2dParams = {}): { out: GpuTensor; cache: Conv2dCache } {
  const geometry = validateConv2d(x, w, b, params);
  return { out: convForward(x, w, b, geometry), cache: { x, w, geometry } };
}

export function conv2dBackward(dout: GpuTensor, cache: Conv2dCache): { dx: GpuTensor; dw: GpuTensor; db: GpuTensor } {
  const { x, w, geometry } = cache;
  const { N, F, Ho, Wo } = geometry;
  requireShape('conv2d_backward', 'dout', dout, [N, F, Ho, Wo], 'the forward output shape');
  return {
    dx: convInputGrad(dout, w, undefined, geometry),
    dw: convWeightGrad(x, dout, geometry),
    db: channelSums(dout),
  };
}
