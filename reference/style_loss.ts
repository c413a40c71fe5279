import { lossGradient } from './classification';
import { gramBackwardInto, gramInto } from './style';
import { scalar, tensor, type Tensor } from './tensor';
import { InputError, requireFinite, requirePositiveSizes, requireShape, type Shaped } from './validate';

export interface StyleLossParams {
  style_layers?: number[];
  style_weights?: number[];
}

export interface StyleLossCache {
  feats: Tensor[];
  layers: number[];
  weights: number[];
  /** Per style layer: gram(feats[layer]) − target. */
  residuals: Tensor[];
}

const OP = 'style_loss';

/**
 * Inputs: feats_0 … feats_{L−1} (1, Cᵢ, Hᵢ, Wᵢ) followed by style_targets_0 … one per style layer,
 * (1, C, C) with C the channels of feats[style_layers[l]]. style_layers: distinct integers in
 * [0, L − 1]; style_weights: one finite number per style layer. The count of targets is
 * style_layers.length, so `tensors` splits into feats and targets by it.
 */
export function validateStyleLoss(tensors: readonly Shaped[], params: StyleLossParams = {}): { L: number; layers: number[]; weights: number[] } {
  const layers = params.style_layers;
  const targetCount = Array.isArray(layers) ? layers.length : 0;
  // The maps are the leading rank-4 tensors and the rest should be the targets: a count that does not
  // match style_layers is named as such, rather than as a map or target of the wrong shape once the
  // split by count is off.
  const firstTarget = tensors.findIndex((t) => t.shape.length !== 4);
  const maps = firstTarget < 0 ? tensors.length : firstTarget;
  if (targetCount > 0 && maps > 0 && tensors.length - maps !== targetCount) {
    throw new InputError(OP, 'style_targets', `${targetCount} (one tensor per style layer) after feats_0 … feats_${maps - 1}`, `${tensors.length - maps}`);
  }
  const L = tensors.length - targetCount;
  // No index is in range when L < 1, so k ≥ L also rejects a call without feature maps.
  if (!Array.isArray(layers) || layers.length === 0 || layers.some((k, l) => !Number.isInteger(k) || k < 0 || k >= L || layers.indexOf(k) !== l)) {
    throw new InputError(
      OP,
      'style_layers',
      `a non-empty list of distinct feature indices in [0, ${Math.max(0, L - 1)}]`,
      JSON.stringify(layers) ?? 'undefined',
    );
  }
  const weights = params.style_weights;
  if (!Array.isArray(weights) || weights.length !== layers.length || weights.some((w) => !Number.isFinite(w))) {
    throw new InputError(OP, 'style_weights', `${layers.length} finite numbers (one per style layer)`, JSON.stringify(weights) ?? 'undefined');
  }
  tensors.slice(0, L).forEach((f, k) => {
    requireShape(OP, `feats_${k}`, f, [1, 'C', 'H', 'W']);
    requirePositiveSizes(OP, `feats_${k}`, f);
    requireFinite(OP, `feats_${k}`, f);
  });
  layers.forEach((k, l) => {
    const C = tensors[k].shape[1];
    requireShape(OP, `style_targets_${l}`, tensors[L + l], [1, C, C], `C = ${C} from feats_${k}`);
    requireFinite(OP, `style_targets_${l}`, tensors[L + l]);
  });
  return { L, layers, weights };
}

/** A call's arguments (feats…, style_targets…, params?): the tensors, then the params. */
export function splitStyleArgs<T extends Shaped>(args: ReadonlyArray<T | StyleLossParams>): { tensors: T[]; params: StyleLossParams } {
  const last = args[args.length - 1];
  const hasParams = last !== undefined && !('shape' in last);
  return { tensors: (hasParams ? args.slice(0, -1) : args) as T[], params: (hasParams ? last : {}) as StyleLossParams };
}

/**
 * loss = Σ_l w_l·Σ_{c,d} (G_l[c, d] − style_targets_l[c, d])², G_l = gram(feats[style_layers[l]])
 * normalized by H·W·C. Called as styleLossForward(feats_0, …, feats_{L−1}, style_targets_0, …, params).
 */
export function styleLossForward(...args: Array<Tensor | StyleLossParams>): { loss: Tensor; cache: StyleLossCache } {
  const { tensors, params } = splitStyleArgs(args);
  const { L, layers, weights } = validateStyleLoss(tensors, params);
  const feats = tensors.slice(0, L);
  let sum = 0;
  const residuals = layers.map((k, l) => {
    const [, C, H, W] = feats[k].shape;
    const r = tensor([1, C, C]);
    gramInto(feats[k].data, 0, C, H * W, 1 / (H * W * C), r.data, 0);
    const target = tensors[L + l];
    for (let i = 0; i < C * C; i++) {
      r.data[i] -= target.data[i];
      sum += weights[l] * r.data[i] ** 2;
    }
    return r;
  });
  return { loss: scalar(sum), cache: { feats, layers, weights, residuals } };
}

/**
 * dG_l = 2·w_l·(G_l − target_l)·dloss, then dfeats[style_layers[l]] = gram backward of dG_l;
 * feature maps that are no style layer get zeros, the targets no gradient.
 */
export function styleLossBackward(dloss: Tensor, cache: StyleLossCache): Record<string, Tensor> {
  const { feats, layers, weights, residuals } = cache;
  const g = lossGradient(OP, dloss);
  const grads: Record<string, Tensor> = {};
  feats.forEach((f, k) => {
    grads[`dfeats_${k}`] = tensor(f.shape);
  });
  layers.forEach((k, l) => {
    const [, C, H, W] = feats[k].shape;
    const dgram = residuals[l].data.map((r) => 2 * weights[l] * r * g);
    gramBackwardInto(dgram, 0, feats[k].data, 0, C, H * W, 1 / (H * W * C), grads[`dfeats_${k}`].data);
  });
  return grads;
}
