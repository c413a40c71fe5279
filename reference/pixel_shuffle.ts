import { tensor, type Tensor } from './tensor';
import { InputError, requireFinite, requireNumber, requirePositiveSizes, requireRank, requireShape, type Shaped } from './validate';

/**
 * Pixel shuffle (F.pixel_shuffle), a permutation: channel c·r² + a·r + b of x becomes the (a, b)
 * offset within each r×r block of output channel c:
 *
 *   out[n, c, h·r + a, w·r + b] = x[n, c·r² + a·r + b, h, w]      x (N, C·r², H, W) → out (N, C, H·r, W·r)
 *   dx[n, c·r² + a·r + b, h, w] = dout[n, c, h·r + a, w·r + b]
 */
export interface PixelShuffleParams {
  r?: unknown;
}

export interface PixelShuffleGeometry {
  N: number;
  C: number;
  H: number;
  W: number;
  r: number;
}

export interface PixelShuffleCache {
  geometry: PixelShuffleGeometry;
}

const OP = 'pixel_shuffle';

export function validatePixelShuffle(x: Shaped, params: PixelShuffleParams = {}): PixelShuffleGeometry {
  requireRank(OP, 'x', x, 4);
  requirePositiveSizes(OP, 'x', x);
  const { r } = params;
  requireNumber(OP, 'r', r, { min: 1, integer: true });
  const [N, Cr2, H, W] = x.shape;
  if (Cr2 % (r * r) !== 0) throw new InputError(OP, 'x', `a channel count divisible by r² = ${r * r}`, `${Cr2} channels`);
  requireFinite(OP, 'x', x);
  return { N, C: Cr2 / (r * r), H, W, r };
}

/** Calls visit(xi, oi) for every element: x's flat index and out's flat index of the same value. */
function forEachMove({ N, C, H, W, r }: PixelShuffleGeometry, visit: (xi: number, oi: number) => void): void {
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      for (let a = 0; a < r; a++) {
        for (let b = 0; b < r; b++) {
          for (let h = 0; h < H; h++) {
            for (let w = 0; w < W; w++) {
              const xi = ((n * C * r * r + c * r * r + a * r + b) * H + h) * W + w;
              const oi = ((n * C + c) * H * r + h * r + a) * W * r + w * r + b;
              visit(xi, oi);
            }
          }
        }
      }
    }
  }
}

export function pixelShuffleForward(x: Tensor, params: PixelShuffleParams): { out: Tensor; cache: PixelShuffleCache } {
  const geometry = validatePixelShuffle(x, params);
  const { N, C, H, W, r } = geometry;
  const out = tensor([N, C, H * r, W * r]);
  forEachMove(geometry, (xi, oi) => {
    out.data[oi] = x.data[xi];
  });
  return { out, cache: { geometry } };
}

export function pixelShuffleBackward(dout: Tensor, cache: PixelShuffleCache): { dx: Tensor } {
  const { geometry } = cache;
  const { N, C, H, W, r } = geometry;
  requireShape('pixel_shuffle_backward', 'dout', dout, [N, C, H * r, W * r], 'the forward output shape');
  const dx = tensor([N, C * r * r, H, W]);
  forEachMove(geometry, (xi, oi) => {
    dx.data[xi] = dout.data[oi];
  });
  return { dx };
}
