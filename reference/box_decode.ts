import { addToCorners, centerForm } from './box_encode';
import { validateBoxes } from './boxes';
import { tensor, type Tensor } from './tensor';
import { requireFinite, requireShape, type Shaped } from './validate';

/** The inverse of reference/box_encode: deltas and anchors → boxes (center form as there). */
export interface BoxDecodeCache {
  deltas: Tensor;
  anchors: Tensor;
}

/** deltas (K, 4) finite; anchors (K, 4) with positive width and height. */
export function validateBoxDecode(deltas: Shaped, anchors: Shaped): number {
  const K = validateBoxes('box_decode', 'anchors', anchors, true);
  requireShape('box_decode', 'deltas', deltas, [K, 4], `K = ${K} from anchors`);
  requireFinite('box_decode', 'deltas', deltas);
  return K;
}

/**
 * boxes[k] = (x − w/2, y − h/2, x + w/2, y + h/2) with x = xa + tx·wa, y = ya + ty·ha,
 * w = wa·exp(tw), h = ha·exp(th): (tx, ty, tw, th) = deltas[k], (xa, ya, wa, ha) the center form of anchors[k].
 */
export function boxDecodeForward(deltas: Tensor, anchors: Tensor): { boxes: Tensor; cache: BoxDecodeCache } {
  const K = validateBoxDecode(deltas, anchors);
  const boxes = tensor([K, 4]);
  for (let k = 0; k < K; k++) {
    for (const axis of [0, 1]) {
      const [xa, wa] = centerForm(anchors.data, k, axis);
      const x = xa + deltas.data[4 * k + axis] * wa;
      const w = wa * Math.exp(deltas.data[4 * k + axis + 2]);
      boxes.data[4 * k + axis] = x - w / 2;
      boxes.data[4 * k + axis + 2] = x + w / 2;
    }
  }
  return { boxes, cache: { deltas, anchors } };
}

/**
 * Per axis, with g_x = dx1 + dx2 (∂/∂center) and g_w = (dx2 − dx1)/2 (∂/∂size):
 *   ∂/∂tx = g_x·wa, ∂/∂tw = g_w·w, ∂/∂xa = g_x, ∂/∂wa = g_x·tx + g_w·exp(tw), then to the anchor corners.
 */
export function boxDecodeBackward(dboxes: Tensor, cache: BoxDecodeCache): { ddeltas: Tensor; danchors: Tensor } {
  const { deltas, anchors } = cache;
  const K = anchors.shape[0];
  requireShape('box_decode_backward', 'dboxes', dboxes, [K, 4], 'K from the forward pass');
  const ddeltas = tensor([K, 4]);
  const danchors = tensor([K, 4]);
  for (let k = 0; k < K; k++) {
    for (const axis of [0, 1]) {
      const [, wa] = centerForm(anchors.data, k, axis);
      const [tx, tw] = [deltas.data[4 * k + axis], deltas.data[4 * k + axis + 2]];
      const [d1, d2] = [dboxes.data[4 * k + axis], dboxes.data[4 * k + axis + 2]];
      const gx = d1 + d2;
      const gw = (d2 - d1) / 2;
      ddeltas.data[4 * k + axis] = gx * wa;
      ddeltas.data[4 * k + axis + 2] = gw * wa * Math.exp(tw);
      addToCorners(danchors.data, k, axis, gx, gx * tx + gw * Math.exp(tw));
    }
  }
  return { ddeltas, danchors };
}
