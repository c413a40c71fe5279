import { validateBoxEncode } from '../reference/box_encode';
import { requireShape } from '../reference/validate';
import { empty, type GpuTensor } from './buffers';
import { CENTER_WGSL, loadBox, storeBox } from './boxes';
import { gridKernel, launchGrid } from './grid_kernel';

/**
 * Twin of reference/box_encode: one invocation per box, both axes at once as vec2 (x, y); forward
 * and backward are pointwise over boxes, so there is nothing to tile.
 */
export interface BoxEncodeCache {
  boxes: GpuTensor;
  anchors: GpuTensor;
}

const forwardKernel = gridKernel(
  'box_encode:forward',
  [{ name: 'boxes' }, { name: 'anchors' }, { name: 'deltas', write: true }],
  [],
  CENTER_WGSL,
  `let b = ${loadBox('boxes', 'i')};
  let a = ${loadBox('anchors', 'i')};
  let t = vec4<f32>((center(b) - center(a)) / size(a), log(size(b) / size(a)));
  ${storeBox('deltas', 'i', 't')}`,
);

const backwardKernel = gridKernel(
  'box_encode:backward',
  [{ name: 'boxes' }, { name: 'anchors' }, { name: 'ddeltas' }, { name: 'dboxes', write: true }, { name: 'danchors', write: true }],
  [],
  CENTER_WGSL,
  `let b = ${loadBox('boxes', 'i')};
  let a = ${loadBox('anchors', 'i')};
  let g = ${loadBox('ddeltas', 'i')};
  let t = (center(b) - center(a)) / size(a);
  let db = corners(g.xy / size(a), g.zw / size(b));
  let da = corners(-g.xy / size(a), (-g.xy * t - g.zw) / size(a));
  ${storeBox('dboxes', 'i', 'db')}
  ${storeBox('danchors', 'i', 'da')}`,
);

export function boxEncodeForward(boxes: GpuTensor, anchors: GpuTensor): { deltas: GpuTensor; cache: BoxEncodeCache } {
  const K = validateBoxEncode(boxes, anchors);
  const deltas = empty(boxes.gpu, [K, 4]);
  launchGrid(boxes.gpu, forwardKernel, [boxes.buffer, anchors.buffer, deltas.buffer], [], K);
  return { deltas, cache: { boxes, anchors } };
}

export function boxEncodeBackward(ddeltas: GpuTensor, cache: BoxEncodeCache): { dboxes: GpuTensor; danchors: GpuTensor } {
  const { boxes, anchors } = cache;
  const K = boxes.shape[0];
  requireShape('box_encode_backward', 'ddeltas', ddeltas, [K, 4], 'K from the forward pass');
  const [dboxes, danchors] = [empty(boxes.gpu, [K, 4]), empty(boxes.gpu, [K, 4])];
  launchGrid(boxes.gpu, backwardKernel, [boxes.buffer, anchors.buffer, ddeltas.buffer, dboxes.buffer, danchors.buffer], [], K);
  return { dboxes, danchors };
}
