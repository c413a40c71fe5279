import { validateBoxPair } from './boxes';
import { tensor, type Tensor } from './tensor';
import { requireShape, type Shaped } from './validate';

/**
 * Box ↔ delta coding of R-CNN (docs/ops.md "Detection"), per box k and per axis (x with width w, y with
 * height h), in center form: a box (x1, y1, x2, y2) has center x = (x1 + x2)/2 and width w = x2 − x1.
 */
export interface BoxEncodeCache {
  boxes: Tensor;
  anchors: Tensor;
}

/** boxes and anchors (K, 4), finite, positive width and height (the log needs them). */
export const validateBoxEncode = (boxes: Shaped, anchors: Shaped): number => validateBoxPair('box_encode', ['boxes', 'anchors'], boxes, anchors, true);

/** Center and size of one axis (0: x, 1: y) of box k: [center, size]. */
export const centerForm = (data: Float64Array, k: number, axis: number): [number, number] => {
  const [lo, hi] = [data[4 * k + axis], data[4 * k + axis + 2]];
  return [(lo + hi) / 2, hi - lo];
};

/**
 * deltas[k] = (tx, ty, tw, th): tx = (x − xa)/wa, ty = (y − ya)/ha, tw = log(w/wa), th = log(h/ha),
 * (x, y, w, h) the center form of boxes[k], (xa, ya, wa, ha) that of anchors[k].
 */
export function boxEncodeForward(boxes: Tensor, anchors: Tensor): { deltas: Tensor; cache: BoxEncodeCache } {
  const K = validateBoxEncode(boxes, anchors);
  const deltas = tensor([K, 4]);
  for (let k = 0; k < K; k++) {
    for (const axis of [0, 1]) {
      const [x, w] = centerForm(boxes.data, k, axis);
      const [xa, wa] = centerForm(anchors.data, k, axis);
      deltas.data[4 * k + axis] = (x - xa) / wa;
      deltas.data[4 * k + axis + 2] = Math.log(w / wa);
    }
  }
  return { deltas, cache: { boxes, anchors } };
}

/**
 * Per axis, with g_t = ddeltas of the offset and g_s of the log size:
 *   ∂/∂x = g_t/wa, ∂/∂w = g_s/w, ∂/∂xa = −g_t/wa, ∂/∂wa = −g_t·tx/wa − g_s/wa;
 * then to corners: ∂/∂x1 = ∂/∂x / 2 − ∂/∂w, ∂/∂x2 = ∂/∂x / 2 + ∂/∂w (likewise for the anchors).
 */
export function boxEncodeBackward(ddeltas: Tensor, cache: BoxEncodeCache): { dboxes: Tensor; danchors: Tensor } {
  const { boxes, anchors } = cache;
  const K = boxes.shape[0];
  requireShape('box_encode_backward', 'ddeltas', ddeltas, [K, 4], 'K from the forward pass');
  const dboxes = tensor([K, 4]);
  const danchors = tensor([K, 4]);
  for (let k = 0; k < K; k++) {
    for (const axis of [0, 1]) {
      const [x, w] = centerForm(boxes.data, k, axis);
      const [xa, wa] = centerForm(anchors.data, k, axis);
      const gt = ddeltas.data[4 * k + axis];
      const gs = ddeltas.data[4 * k + axis + 2];
      const tx = (x - xa) / wa;
      addToCorners(dboxes.data, k, axis, gt / wa, gs / w);
      addToCorners(danchors.data, k, axis, -gt / wa, (-gt * tx - gs) / wa);
    }
  }
  return { dboxes, danchors };
}

/** Adds ∂/∂center and ∂/∂size of one axis of box k as corner gradients. */
export function addToCorners(grad: Float64Array, k: number, axis: number, dCenter: number, dSize: number): void {
  grad[4 * k + axis] += dCenter / 2 - dSize;
  grad[4 * k + axis + 2] += dCenter / 2 + dSize;
}
