import { requireOutputSize } from './conv2d';
import { requireFinite, requireNumber, requirePositiveSizes, requireRank, requireShape, type Shaped } from './validate';

/**
 * What max_pool2d, avg_pool2d and max_unpool2d share: pool_height × pool_width windows every
 * `stride` rows and columns of each (n, c) plane, no padding, floor:
 *
 *   window (i, j) covers rows i·stride … i·stride + pool_height − 1, columns j·stride … + pool_width − 1
 *   H' = 1 + ⌊(H − pool_height) / stride⌋,   W' = 1 + ⌊(W − pool_width) / stride⌋
 *
 * Windows overlap when stride < pool size; rows or columns past the last window are not read.
 */
export interface PoolParams {
  pool_height?: unknown;
  pool_width?: unknown;
  stride?: unknown;
}

export interface PoolWindow {
  ph: number;
  pw: number;
  stride: number;
}

/** x (N, C, H, W) and the H' × W' planes of the op's output (pools and max_unpool2d alike). */
export interface PoolPlanes {
  N: number;
  C: number;
  H: number;
  W: number;
  Ho: number;
  Wo: number;
}

export interface PoolGeometry extends PoolWindow, PoolPlanes {}

/** pool_height, pool_width and stride: integers ≥ 1, no defaults (docs/ops.md). */
export function poolWindow(op: string, params: PoolParams): PoolWindow {
  const p = params as Record<string, unknown>;
  const [ph, pw, stride] = ['pool_height', 'pool_width', 'stride'].map((name) => {
    const value = p[name];
    requireNumber(op, name, value, { min: 1, integer: true });
    return value;
  });
  return { ph, pw, stride };
}

/** x (N, C, H, W) non-empty and finite, windows that fit (an output of at least 1×1). */
export function validatePool(op: string, x: Shaped, params: PoolParams = {}): PoolGeometry {
  requireRank(op, 'x', x, 4);
  requirePositiveSizes(op, 'x', x);
  const window = poolWindow(op, params);
  const [N, C, H, W] = x.shape;
  const Ho = 1 + Math.floor((H - window.ph) / window.stride);
  const Wo = 1 + Math.floor((W - window.pw) / window.stride);
  requireOutputSize(op, Ho, Wo, "H' = 1 + ⌊(H − pool_height) / stride⌋");
  requireFinite(op, 'x', x);
  return { N, C, H, W, Ho, Wo, ...window };
}

/**
 * Calls `visit(oi, base, taps)` for every window: oi is the flat index of its output element, base
 * the flat index of its plane's first x element, taps the in-plane indices row·W + col of the
 * window's elements in row-major order.
 */
export function forEachWindow(g: PoolGeometry, visit: (oi: number, base: number, taps: readonly number[]) => void): void {
  const { N, C, H, W, Ho, Wo, ph, pw, stride } = g;
  const taps = new Array<number>(ph * pw);
  for (let p = 0; p < N * C; p++) {
    for (let i = 0; i < Ho; i++) {
      for (let j = 0; j < Wo; j++) {
        for (let kh = 0; kh < ph; kh++) {
          for (let kw = 0; kw < pw; kw++) taps[kh * pw + kw] = (i * stride + kh) * W + j * stride + kw;
        }
        visit((p * Ho + i) * Wo + j, p * H * W, taps);
      }
    }
  }
}

/** The upstream gradient of a pooled (N, C, H', W') output. */
export function requirePooledGrad(op: string, dout: Shaped, g: PoolGeometry): void {
  requireShape(`${op}_backward`, 'dout', dout, [g.N, g.C, g.Ho, g.Wo], 'the forward output shape');
}
