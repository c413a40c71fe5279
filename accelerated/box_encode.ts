import { validateBoxEncode } from '../reference/box_encode';
import { requireShape } from '../reference/validate';
import { zeros, type GpuTensor } from './runtime/buffers';
import { CENTER_WGSL, loadBox, storeBox } from './boxes';
import { kernel, launch } from './runtime/kernel';

/**
 * Twin of reference/box_encode: one invocation per box, both axes at once as vec2 (x, y); forward
 * and backward are pointwise over boxes, so there is nothing to tile.
 */
export interface BoxEncodeCache {
  boxes: GpuTensor;
  anchors: GpuTensor;
}

const forwardKernel = kernel({
  name: 'box_encode:forward',
  inputs: { boxes: 'f32', anchors: 'f32' },
  outputs: { deltas: 'f32' },
  helpers: CENTER_WGSL,
  body: `let b = ${loadBox('boxes', 'i')};
  let a = ${loadBox('anchors', 'i')};
  let t = vec4<f32>((center(b) - center(a)) / size(a), log(size(b) / size(a)));
  ${storeBox('deltas', 'i', 't')}`,
});

const backwardKernel = kernel({
  name: 'box_encode:backward',
  inputs: { boxes: 'f32', anchors: 'f32', ddeltas: 'f32' },
  outputs: { dboxes: 'f32', danchors: 'f32' },
  helpers: CENTER_WGSL,
  body: `let b = ${loadBox('boxes', 'i')};
  let a = ${loadBox('anchors', 'i')};
  let g = ${loadBox('ddeltas', 'i')};
  let t = (center(b) - center(a)) / size(a);
  let db = corners(g.xy / size(a), g.zw / size(b));
  let da = corners(-g.xy / size(a), (-g.xy * t - g.zw) / size(a));
  ${storeBox('dboxes', 'i', 'db')}
  ${storeBox('danchors', 'i', 'da')}`,
});

export function boxEncodeForward(boxes: GpuTensor, anchors: GpuTensor): { deltas: GpuTensor; cache: BoxEncodeCache } {
  const K = validateBoxEncode(boxes, anchors);
  const deltas = zeros(boxes.gpu, [K, 4]);
  launch(boxes.gpu, forwardKernel, { boxes, anchors, deltas }, { count: K });
  return { deltas, cache: { boxes, anchors } };
}

export function boxEncodeBackward(ddeltas: GpuTensor, cache: BoxEncodeCache): { dboxes: GpuTensor; danchors: GpuTensor } {
  const { boxes, anchors } = cache;
  const K = boxes.shape[0];
  requireShape('box_encode_backward', 'ddeltas', ddeltas, [K, 4], 'K from the forward pass');
  const [dboxes, danchors] = [zeros(boxes.gpu, [K, 4]), zeros(boxes.gpu, [K, 4])];
  launch(boxes.gpu, backwardKernel, { boxes, anchors, ddeltas, dboxes, danchors }, { count: K });
  return { dboxes, danchors };
}
