import { addIouGradient, boxAt, iou, validateBoxes } from './boxes';
import { tensor, type Tensor } from './tensor';
import { requireShape, type Shaped } from './validate';

export interface BoxIouCache {
  boxes1: Tensor;
  boxes2: Tensor;
}

/** boxes1 (K, 4), boxes2 (M, 4): finite boxes with x1 ≤ x2, y1 ≤ y2 (reference/boxes.ts). */
export function validateBoxIou(boxes1: Shaped, boxes2: Shaped): { K: number; M: number } {
  return { K: validateBoxes('box_iou', 'boxes1', boxes1), M: validateBoxes('box_iou', 'boxes2', boxes2) };
}

/**
 * out[k, m] = IoU(boxes1[k], boxes2[m]) = inter / (area1 + area2 − inter), boxes (x1, y1, x2, y2),
 * area (x2 − x1)·(y2 − y1) with no +1; 0 where the union is 0 (two zero-area boxes).
 */
export function boxIouForward(boxes1: Tensor, boxes2: Tensor): { out: Tensor; cache: BoxIouCache } {
  const { K, M } = validateBoxIou(boxes1, boxes2);
  const out = tensor([K, M]);
  for (let k = 0; k < K; k++) {
    for (let m = 0; m < M; m++) out.data[k * M + m] = iou(boxAt(boxes1.data, k), boxAt(boxes2.data, m));
  }
  return { out, cache: { boxes1, boxes2 } };
}

/** dboxes1[k] = Σ_m dout[k, m]·∂IoU[k, m]/∂boxes1[k], dboxes2[m] = Σ_k dout[k, m]·∂IoU[k, m]/∂boxes2[m]. */
export function boxIouBackward(dout: Tensor, cache: BoxIouCache): { dboxes1: Tensor; dboxes2: Tensor } {
  const { boxes1, boxes2 } = cache;
  const [K, M] = [boxes1.shape[0], boxes2.shape[0]];
  requireShape('box_iou_backward', 'dout', dout, [K, M], 'K and M from the forward pass');
  const dboxes1 = tensor([K, 4]);
  const dboxes2 = tensor([M, 4]);
  for (let k = 0; k < K; k++) {
    for (let m = 0; m < M; m++) {
      const ga = dboxes1.data.subarray(4 * k, 4 * k + 4);
      const gb = dboxes2.data.subarray(4 * m, 4 * m + 4);
      addIouGradient(boxAt(boxes1.data, k), boxAt(boxes2.data, m), dout.data[k * M + m], ga, gb);
    }
  }
  return { dboxes1, dboxes2 };
}
