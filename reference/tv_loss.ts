import { lossGradient } from './classification';
import { hyper } from './hyperparams';
import { scalar, tensor, type Tensor } from './tensor';
import { requireFinite, requirePositiveSizes, requireRank, type Shaped } from './validate';

export interface TvLossParams {
  tv_weight?: number;
}

export interface TvLossCache {
  img: Tensor;
  weight: number;
}

/** img (N, C, H, W), non-empty and finite; tv_weight (no default) a number ≥ 0. */
export function validateTvLoss(img: Shaped, params: TvLossParams = {}): { weight: number } {
  requireRank('tv_loss', 'img', img, 4);
  requirePositiveSizes('tv_loss', 'img', img);
  requireFinite('tv_loss', 'img', img);
  return { weight: hyper('tv_loss', params, 'tv_weight', undefined, { min: 0 }) };
}

/** loss = w·(Σ_{n,c,h,w} (x[h+1, w] − x[h, w])² + Σ (x[h, w+1] − x[h, w])²), over every image and channel */
export function tvLossForward(img: Tensor, params: TvLossParams = {}): { loss: Tensor; cache: TvLossCache } {
  const { weight } = validateTvLoss(img, params);
  const [N, C, H, W] = img.shape;
  const x = img.data;
  let sum = 0;
  for (let plane = 0; plane < N * C; plane++) {
    for (let h = 0; h < H; h++) {
      for (let w = 0; w < W; w++) {
        const i = (plane * H + h) * W + w;
        if (h + 1 < H) sum += (x[i + W] - x[i]) ** 2;
        if (w + 1 < W) sum += (x[i + 1] - x[i]) ** 2;
      }
    }
  }
  return { loss: scalar(weight * sum), cache: { img, weight } };
}

/** dx[h, w] = 2w·dloss·(Σ over its up to four neighbours of (x[h, w] − neighbour)) */
export function tvLossBackward(dloss: Tensor, cache: TvLossCache): { dimg: Tensor } {
  const { img, weight } = cache;
  const g = lossGradient('tv_loss', dloss);
  const [N, C, H, W] = img.shape;
  const x = img.data;
  const dimg = tensor(img.shape);
  for (let plane = 0; plane < N * C; plane++) {
    for (let h = 0; h < H; h++) {
      for (let w = 0; w < W; w++) {
        const i = (plane * H + h) * W + w;
        let s = 0;
        if (h > 0) s += x[i] - x[i - W];
        if (h + 1 < H) s += x[i] - x[i + W];
        if (w > 0) s += x[i] - x[i - 1];
        if (w + 1 < W) s += x[i] - x[i + 1];
        dimg.data[i] = 2 * weight * s * g;
      }
    }
  }
  return { dimg };
}
