import { intParam, requireConvOperands, requireOutputSize, tapsBackward, tapsForward, type ConvSizes, type Tap } from './conv2d';
import type { Tensor } from './tensor';
import { requireFinite, requireNumber, requireShape, type Shaped } from './validate';

/**
 * Transposed 2-d convolution (the adjoint of conv2d in x, PyTorch's F.conv_transpose2d): every input
 * pixel scatters its weighted kernel into the output,
 *
 *   out[n, f, i·stride − pad + kh, j·stride − pad + kw] += x[n, c, i, j] · w[c, f, kh, kw],   out starts at b[f],
 *
 * dropping taps that land outside [0, H') × [0, W'). H' = (H−1)·stride − 2·pad + HH + output_padding;
 * output_padding (< stride) only adds rows/columns at the bottom/right.
 */
export interface ConvTranspose2dParams {
  stride?: unknown;
  pad?: unknown;
  output_padding?: unknown;
}

export function validateConvTranspose2d(x: Shaped, w: Shaped, b: Shaped, params: ConvTranspose2dParams = {}): ConvSizes {
  const op = 'conv_transpose2d';
  requireConvOperands(op, x, w, b);
  const p = params as Record<string, unknown>;
  const stride = intParam(op, p, 'stride', 1, 1);
  const pad = intParam(op, p, 'pad', 0, 0);
  const outputPadding = p.output_padding ?? 0;
  requireNumber(op, 'output_padding', outputPadding, { min: 0, max: stride - 1, integer: true });
  const [N, C, H, W] = x.shape;
  const [, F, HH, WW] = w.shape;
  requireShape(op, 'w', w, [C, 'F', 'HH', 'WW'], `C = ${C} from x`);
  requireShape(op, 'b', b, [F], `F = ${F} from w`);
  const Ho = (H - 1) * stride - 2 * pad + HH + outputPadding;
  const Wo = (W - 1) * stride - 2 * pad + WW + outputPadding;
  requireOutputSize(op, Ho, Wo, "H' = (H−1)·stride − 2·pad + HH + output_padding");
  for (const [name, t] of [
    ['x', x],
    ['w', w],
    ['b', b],
  ] as const)
    requireFinite(op, name, t);
  return { N, C, H, W, F, HH, WW, Ho, Wo, stride, pad };
}

/** Calls `tap(xi, wi, oi)` with the flat indices of x, w and out for every scatter that lands inside out. */
function forEachTap(g: ConvSizes, tap: Tap): void {
  const { N, C, H, W, F, HH, WW, Ho, Wo, stride, pad } = g;
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      for (let i = 0; i < H; i++) {
        for (let j = 0; j < W; j++) {
          const xi = ((n * C + c) * H + i) * W + j;
          for (let f = 0; f < F; f++) {
            for (let kh = 0; kh < HH; kh++) {
              const row = i * stride - pad + kh;
              if (row < 0 || row >= Ho) continue;
              for (let kw = 0; kw < WW; kw++) {
                const col = j * stride - pad + kw;
                if (col < 0 || col >= Wo) continue;
                tap(xi, ((c * F + f) * HH + kh) * WW + kw, ((n * F + f) * Ho + row) * Wo + col);
              }
            }
          }
        }
      }
    }
  }
}

export interface ConvTranspose2dCache {
  x: Tensor;
  w: Tensor;
  geometry: ConvSizes;
}

export function convTranspose2dForward(x: Tensor, w: Tensor, b: Tensor, params: ConvTranspose2dParams = {}): { out: Tensor; cache: ConvTranspose2dCache } {
  return tapsForward(x, w, b, validateConvTranspose2d(x, w, b, params), forEachTap);
}

/** dx[xi] += dout[oi]·w[wi], dw[wi] += x[xi]·dout[oi] over the same taps; db[f] = Σ_{n, y, x} dout[n, f, y, x]. */
export function convTranspose2dBackward(dout: Tensor, cache: ConvTranspose2dCache): { dx: Tensor; dw: Tensor; db: Tensor } {
  return tapsBackward('conv_transpose2d', dout, cache, forEachTap);
}
