import { tensor, type Tensor } from './tensor';
import { InputError, requireFinite, requireNumber, requirePositiveSizes, requireRank, requireShape, type Shaped } from './validate';

/**
 * 2-d convolution (cross-correlation, as in PyTorch and the course) with zero padding on both sides,
 * dilation and channel groups:
 *
 *   out[n, f, i, j] = b[f] + Σ_{c, kh, kw} w[f, c, kh, kw] · x[n, g·C/groups + c, i·stride − pad + kh·dilation, j·stride − pad + kw·dilation]
 *
 * where g = ⌊f / (F/groups)⌋ is the group of filter f, c runs over its C/groups input channels and
 * x reads as 0 outside [0, H) × [0, W). Output size H' = 1 + ⌊(H + 2·pad − dilation·(HH−1) − 1) / stride⌋.
 */
export interface Conv2dParams {
  stride?: unknown;
  pad?: unknown;
  dilation?: unknown;
  groups?: unknown;
}

/** A convolution's sizes, stride and padding (C, H, W in; F, Ho, Wo out): conv_transpose2d's geometry too. */
export interface ConvSizes {
  N: number;
  C: number;
  H: number;
  W: number;
  F: number;
  HH: number;
  WW: number;
  Ho: number;
  Wo: number;
  stride: number;
  pad: number;
}

/** A convolution's sizes and parameters, in conv2d terms. */
export interface ConvGeometry extends ConvSizes {
  dilation: number;
  groups: number;
}

/** An integer parameter with its default, checked against its lower bound. */
export function intParam(op: string, params: Record<string, unknown>, name: string, fallback: number, min: number): number {
  const value = params[name] ?? fallback;
  requireNumber(op, name, value, { min, integer: true });
  return value;
}

/** Rejects an output smaller than 1×1; `formula` says how H' is computed. */
export function requireOutputSize(op: string, Ho: number, Wo: number, formula: string): void {
  if (Ho < 1 || Wo < 1) throw new InputError(op, 'x', `an output of at least 1×1 (${formula})`, `H' × W' = ${Ho} × ${Wo}`);
}

/** x and w of rank 4 with no empty dimension, b of rank 1: the checks conv2d and conv_transpose2d start with. */
export function requireConvOperands(op: string, x: Shaped, w: Shaped, b: Shaped): void {
  requireRank(op, 'x', x, 4);
  requireRank(op, 'w', w, 4);
  requireRank(op, 'b', b, 1);
  requirePositiveSizes(op, 'x', x);
  requirePositiveSizes(op, 'w', w);
}

export function validateConv2d(x: Shaped, w: Shaped, b: Shaped, params: Conv2dParams = {}): ConvGeometry {
  const op = 'conv2d';
  requireConvOperands(op, x, w, b);
  const p = params as Record<string, unknown>;
  const stride = intParam(op, p, 'stride', 1, 1);
  const pad = intParam(op, p, 'pad', 0, 0);
  const dilation = intParam(op, p, 'dilation', 1, 1);
  const groups = intParam(op, p, 'groups', 1, 1);
  const [N, C, H, W] = x.shape;
  const [F, , HH, WW] = w.shape;
  if (C % groups !== 0) throw new InputError(op, 'groups', `a divisor of C = ${C} (from x)`, String(groups));
  if (F % groups !== 0) throw new InputError(op, 'groups', `a divisor of F = ${F} (from w)`, String(groups));
  requireShape(op, 'w', w, ['F', C / groups, 'HH', 'WW'], `C/groups = ${C / groups} from x and groups`);
  requireShape(op, 'b', b, [F], `F = ${F} from w`);
  const Ho = 1 + Math.floor((H + 2 * pad - dilation * (HH - 1) - 1) / stride);
  const Wo = 1 + Math.floor((W + 2 * pad - dilation * (WW - 1) - 1) / stride);
  requireOutputSize(op, Ho, Wo, "H' = 1 + ⌊(H + 2·pad − dilation·(HH−1) − 1) / stride⌋");
  for (const [name, t] of [
    ['x', x],
    ['w', w],
    ['b', b],
  ] as const)
    requireFinite(op, name, t);
  return { N, C, H, W, F, HH, WW, Ho, Wo, stride, pad, dilation, groups };
}

/** Receives the flat indices of x, w and out of one product x[xi]·w[wi] that feeds out[oi]. */
export type Tap = (xi: number, wi: number, oi: number) => void;

/**
 * Calls `tap(xi, wi, oi)` with the flat indices of x, w and out for every product of the sum above
 * that reads inside x (padding contributes nothing). Forward and backward walk the same taps.
 */
function forEachTap(g: ConvGeometry, tap: Tap): void {
  const { N, C, H, W, F, HH, WW, Ho, Wo, stride, pad, dilation, groups } = g;
  const Cg = C / groups;
  const Fg = F / groups;
  for (let n = 0; n < N; n++) {
    for (let f = 0; f < F; f++) {
      const c0 = Math.floor(f / Fg) * Cg;
      for (let i = 0; i < Ho; i++) {
        for (let j = 0; j < Wo; j++) {
          const oi = ((n * F + f) * Ho + i) * Wo + j;
          for (let c = 0; c < Cg; c++) {
            for (let kh = 0; kh < HH; kh++) {
              const row = i * stride - pad + kh * dilation;
              if (row < 0 || row >= H) continue;
              for (let kw = 0; kw < WW; kw++) {
                const col = j * stride - pad + kw * dilation;
                if (col < 0 || col >= W) continue;
                tap(((n * C + c0 + c) * H + row) * W + col, ((f * Cg + c) * HH + kh) * WW + kw, oi);
              }
            }
          }
        }
      }
    }
  }
}

/** An (N, F, Ho, Wo) tensor holding b[f] in every position of channel f: the forward's starting value. */
function biasPlanes(shape: readonly [number, number, number, number], b: Tensor): Tensor {
  const [, F, Ho, Wo] = shape;
  const out = tensor(shape);
  for (let k = 0; k < out.data.length; k++) out.data[k] = b.data[Math.floor(k / (Ho * Wo)) % F];
  return out;
}

/** db[f] = Σ_{n, i, j} dout[n, f, i, j]. */
function channelSums(dout: Tensor): Tensor {
  const [, F, Ho, Wo] = dout.shape;
  const db = tensor([F]);
  for (let k = 0; k < dout.data.length; k++) db.data[Math.floor(k / (Ho * Wo)) % F] += dout.data[k];
  return db;
}

/** out[oi] = b[f] + Σ x[xi]·w[wi] over the taps `forEachTap` walks: the forward of conv2d and conv_transpose2d. */
export function tapsForward<G extends ConvSizes>(
  x: Tensor,
  w: Tensor,
  b: Tensor,
  geometry: G,
  forEachTap: (g: G, tap: Tap) => void,
): { out: Tensor; cache: { x: Tensor; w: Tensor; geometry: G } } {
  const { N, F, Ho, Wo } = geometry;
  const out = biasPlanes([N, F, Ho, Wo], b);
  forEachTap(geometry, (xi, wi, oi) => {
    out.data[oi] += x.data[xi] * w.data[wi];
  });
  return { out, cache: { x, w, geometry } };
}

/**
 * Each tap's product x·w feeds out, so dx[xi] += dout[oi]·w[wi], dw[wi] += dout[oi]·x[xi] over the
 * taps `forEachTap` walks; db[f] = Σ_{n, i, j} dout[n, f, i, j]. `op` names the dout shape error.
 */
export function tapsBackward<G extends ConvSizes>(
  op: string,
  dout: Tensor,
  cache: { x: Tensor; w: Tensor; geometry: G },
  forEachTap: (g: G, tap: Tap) => void,
): { dx: Tensor; dw: Tensor; db: Tensor } {
  const { x, w, geometry } = cache;
  const { N, F, Ho, Wo } = geometry;
  requireShape(`${op}_backward`, 'dout', dout, [N, F, Ho, Wo], 'the forward output shape');
  const dx = tensor(x.shape);
  const dw = tensor(w.shape);
  forEachTap(geometry, (xi, wi, oi) => {
    dx.data[xi] += dout.data[oi] * w.data[wi];
    dw.data[wi] += dout.data[oi] * x.data[xi];
  });
  return { dx, dw, db: channelSums(dout) };
}

export interface Conv2dCache {
  x: Tensor;
  w: Tensor;
  geometry: ConvGeometry;
}

export function conv2dForward(x: Tensor, w: Tensor, b: Tensor, params: Conv2dParams = {}): { out: Tensor; cache: Conv2dCache } {
  return tapsForward(x, w, b, validateConv2d(x, w, b, params), forEachTap);
}

/**
 * Each tap's product x·w feeds out, so dx[xi] += dout[oi]·w[wi], dw[wi] += dout[oi]·x[xi];
 * db[f] = Σ_{n, i, j} dout[n, f, i, j].
 */
export function conv2dBackward(dout: Tensor, cache: Conv2dCache): { dx: Tensor; dw: Tensor; db: Tensor } {
  return tapsBackward('conv2d', dout, cache, forEachTap);
}
