import { validateBoxDecode } from '../reference/box_decode';
import { requireShape } from '../reference/validate';
import { zeros, type GpuTensor } from './runtime/buffers';
import { CENTER_WGSL, loadBox, storeBox } from './boxes';
import { kernel, launch } from './runtime/kernel';

/** Twin of reference/box_decode: one invocation per box, both axes as vec2 (x, y); pointwise, nothing to tile. */
export interface BoxDecodeCache {
  deltas: GpuTensor;
  anchors: GpuTensor;
}

const forwardKernel = kernel({
  name: 'box_decode:forward',
  inputs: { deltas: 'f32', anchors: 'f32' },
  outputs: { boxes: 'f32' },
  helpers: CENTER_WGSL,
  body: `let t = ${loadBox('deltas', 'i')};
  let a = ${loadBox('anchors', 'i')};
  let c = center(a) + t.xy * size(a);
  let s = size(a) * exp(t.zw);
  let b = vec4<f32>(c - 0.5 * s, c + 0.5 * s);
  ${storeBox('boxes', 'i', 'b')}`,
});

const backwardKernel = kernel({
  name: 'box_decode:backward',
  inputs: { deltas: 'f32', anchors: 'f32', dboxes: 'f32' },
  outputs: { ddeltas: 'f32', danchors: 'f32' },
  helpers: CENTER_WGSL,
  body: `let t = ${loadBox('deltas', 'i')};
  let a = ${loadBox('anchors', 'i')};
  let d = ${loadBox('dboxes', 'i')};
  let gc = d.xy + d.zw;
  let gs = 0.5 * (d.zw - d.xy);
  let grow = exp(t.zw);
  let dt = vec4<f32>(gc * size(a), gs * size(a) * grow);
  let da = corners(gc, gc * t.xy + gs * grow);
  ${storeBox('ddeltas', 'i', 'dt')}
  ${storeBox('danchors', 'i', 'da')}`,
});

export function boxDecodeForward(deltas: GpuTensor, anchors: GpuTensor): { boxes: GpuTensor; cache: BoxDecodeCache } {
  const K = validateBoxDecode(deltas, anchors);
  const boxes = zeros(deltas.gpu, [K, 4]);
  launch(deltas.gpu, forwardKernel, { deltas, anchors, boxes }, { count: K });
  return { boxes, cache: { deltas, anchors } };
}

export function boxDecodeBackward(dboxes: GpuTensor, cache: BoxDecodeCache): { ddeltas: GpuTensor; danchors: GpuTensor } {
  const { deltas, anchors } = cache;
  const K = anchors.shape[0];
  requireShape('box_decode_backward', 'dboxes', dboxes, [K, 4], 'K from the forward pass');
  const [ddeltas, danchors] = [zeros(deltas.gpu, [K, 4]), zeros(deltas.gpu, [K, 4])];
  launch(deltas.gpu, backwardKernel, { deltas, anchors, dboxes, ddeltas, danchors }, { count: K });
  return { ddeltas, danchors };
}
