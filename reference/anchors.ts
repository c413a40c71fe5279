import { hyper } from './hyperparams';
import { formatShape, tensor, type Tensor } from './tensor';
import { InputError, requireRank, type Shaped } from './validate';

/**
 * Anchor boxes of a feature map (docs/ops.md "Detection"). Only the shape of `features` is read: its last
 * two sizes are the feature map's H' × W'. No backward (a function of sizes and params only).
 */
export interface AnchorsParams {
  /** Input-image pixels per feature-map cell, > 0; required. */
  stride?: number;
  /** Anchor sizes: √area in input pixels, each > 0; required, non-empty. */
  scales?: number[];
  /** Aspect ratios h / w, each > 0; required, non-empty. */
  ratios?: number[];
}

export interface AnchorsSettings {
  Hf: number;
  Wf: number;
  stride: number;
  scales: number[];
  ratios: number[];
}

function positiveList(value: unknown, name: string): number[] {
  const ok = Array.isArray(value) && value.length > 0 && value.every((v) => Number.isFinite(v) && (v as number) > 0);
  if (!ok) throw new InputError('anchors', name, 'a non-empty list of numbers > 0', JSON.stringify(value) ?? String(value));
  return value as number[];
}

export function validateAnchors(features: Shaped, params: AnchorsParams): AnchorsSettings {
  requireRank('anchors', 'features', features, 4);
  const [Hf, Wf] = features.shape.slice(2);
  if (!(Hf > 0 && Wf > 0)) throw new InputError('anchors', 'features', 'a feature map of H′, W′ ≥ 1', `shape ${formatShape(features.shape)}`);
  return {
    Hf,
    Wf,
    stride: hyper('anchors', params, 'stride', undefined, { above: 0 }),
    scales: positiveList(params.scales, 'scales'),
    ratios: positiveList(params.ratios, 'ratios'),
  };
}

/**
 * anchors[(y·W′ + x)·A + a] = (cx − w/2, cy − h/2, cx + w/2, cy + h/2) for each cell (y, x) of the
 * feature map in row-major order, then each of its A = R·S anchors a = r·S + s (ratio-major, as
 * torchvision's AnchorGenerator): center (cx, cy) = ((x + ½)·stride, (y + ½)·stride), the cell's
 * center in input pixels; w = scale/√ratio, h = scale·√ratio (area scale², h/w = ratio), unrounded.
 */
export function anchorsForward(features: Tensor, params: AnchorsParams = {}): { anchors: Tensor; cache: null } {
  const { Hf, Wf, stride, scales, ratios } = validateAnchors(features, params);
  const A = ratios.length * scales.length;
  const anchors = tensor([Hf * Wf * A, 4]);
  let row = 0;
  for (let y = 0; y < Hf; y++) {
    for (let x = 0; x < Wf; x++) {
      const [cx, cy] = [(x + 0.5) * stride, (y + 0.5) * stride];
      for (const ratio of ratios) {
        for (const scale of scales) {
          const [w, h] = [scale / Math.sqrt(ratio), scale * Math.sqrt(ratio)];
          anchors.data.set([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], 4 * row++);
        }
      }
    }
  }
  return { anchors, cache: null };
}
