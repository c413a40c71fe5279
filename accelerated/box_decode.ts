import { validateBoxDecode } from '../reference/box_decode';
import { requireShape } from '../reference/validate';
import { empty, type GpuTensor } from './buffers';
import { CENTER_WGSL, loadBox, storeBox } from './boxes';
import { gridKernel, launchGrid } from './grid_kernel';

/** Twin of reference/box_decode: one invocation per box, both axes as vec2 (x, y); pointwise, nothing to tile. */
export interface BoxDecodeCache {
  deltas: GpuTensor;
  anchors: GpuTensor;
}

const forwardKernel = gridKernel(
  'box_decode:forward',
  [{ name: 'deltas' }, { name: 'anchors' }, { name: 'boxes', write: true }],
  [],
  CENTER_WGSL,
  `let t = ${loadBox('deltas', 'i')};
  let a = ${loadBox('anchors', 'i')};
  let c = center(a) + t.xy * size(a);
  let s = size(a) * exp(t.zw);
  let b = vec4<f32>(c - 0.5 * s, c + 0.5 * s);
  ${storeBox('boxes', 'i', 'b')}`,
);

const backwardKernel = gridKernel(
  'box_decode:backward',
  [{ name: 'deltas' }, { name: 'anchors' }, { name: 'dboxes' }, { name: 'ddeltas', write: true }, { name: 'danchors', write: true }],
  [],
  CENTER_WGSL,
  `let t = ${loadBox('deltas', 'i')};
  let a = ${loadBox('anchors', 'i')};
  let d = ${loadBox('dboxes', 'i')};
  let gc = d.xy + d.zw;
  let gs = 0.5 * (d.zw - d.xy);
  let grow = exp(t.zw);
  let dt = vec4<f32>(gc * size(a), gs * size(a) * grow);
  let da = corners(gc, gc * t.xy + gs * grow);
  ${storeBox('ddeltas', 'i', 'dt')}
  ${storeBox('danchors', 'i', 'da')}`,
);

export function boxDecodeForward(deltas: GpuTensor, anchors: GpuTensor): { boxes: GpuTensor; cache: BoxDecodeCache } {
  const K = validateBoxDecode(deltas, anchors);
  const boxes = empty(deltas.gpu, [K, 4]);
  launchGrid(deltas.gpu, forwardKernel, [deltas.buffer, anchors.buffer, boxes.buffer], [], K);
  return { boxes, cache: { deltas, anchors } };
}

export function boxDecodeBackward(dboxes: GpuTensor, cache: BoxDecodeCache): { ddeltas: GpuTensor; danchors: GpuTensor } {
  const { deltas, anchors } = cache;
  const K = anchors.shape[0];
  requireShape('box_decode_backward', 'dboxes', dboxes, [K, 4], 'K from the forward pass');
  const [ddeltas, danchors] = [empty(deltas.gpu, [K, 4]), empty(deltas.gpu, [K, 4])];
  launchGrid(deltas.gpu, backwardKernel, [deltas.buffer, anchors.buffer, dboxes.buffer, ddeltas.buffer, danchors.buffer], [], K);
  return { ddeltas, danchors };
}
