import { validateBoxIou } from '../reference/box_iou';
import { requireShape } from '../reference/validate';
import { zeros, type GpuTensor } from './runtime/buffers';
import { BOX_WGSL, loadBox, storeBox } from './boxes';
import { kernel, launch } from './runtime/kernel';

/**
 * Twin of reference/box_iou. Forward: one invocation per (k, m) pair, no reuse worth a tile (4
 * loads per box, adjacent invocations share box k). Backward: one invocation per box, which walks
 * every box of the other set and sums its pair gradients — a gather, so no float atomics and a
 * fixed summation order.
 */
export interface BoxIouCache {
  boxes1: GpuTensor;
  boxes2: GpuTensor;
}

const forwardKernel = kernel({
  name: 'box_iou:forward',
  inputs: { boxes1: 'f32', boxes2: 'f32' },
  outputs: { out: 'f32' },
  uniforms: { M: 'u32' },
  helpers: BOX_WGSL,
  body: `let k = i / u.M;
  let m = i % u.M;
  out[i] = iou(${loadBox('boxes1', 'k')}, ${loadBox('boxes2', 'm')});`,
});

/** Invocation i < K: dboxes1[i]; K ≤ i < K + M: dboxes2[i − K]. */
const backwardKernel = kernel({
  name: 'box_iou:backward',
  inputs: { boxes1: 'f32', boxes2: 'f32', dout: 'f32' },
  outputs: { dboxes1: 'f32', dboxes2: 'f32' },
  uniforms: { K: 'u32', M: 'u32' },
  helpers: BOX_WGSL,
  body: `var g = vec4<f32>(0.0);
  if (i < u.K) {
    let a = ${loadBox('boxes1', 'i')};
    for (var m = 0u; m < u.M; m++) { g += iou_grad(a, ${loadBox('boxes2', 'm')}, dout[i * u.M + m])[0]; }
    ${storeBox('dboxes1', 'i', 'g')}
  } else {
    let m = i - u.K;
    let b = ${loadBox('boxes2', 'm')};
    for (var k = 0u; k < u.K; k++) { g += iou_grad(${loadBox('boxes1', 'k')}, b, dout[k * u.M + m])[1]; }
    ${storeBox('dboxes2', 'm', 'g')}
  }`,
});

export function boxIouForward(boxes1: GpuTensor, boxes2: GpuTensor): { out: GpuTensor; cache: BoxIouCache } {
  const { K, M } = validateBoxIou(boxes1, boxes2);
  const out = zeros(boxes1.gpu, [K, M]);
  launch(boxes1.gpu, forwardKernel, { boxes1, boxes2, out }, { count: K * M, M });
  return { out, cache: { boxes1, boxes2 } };
}

export function boxIouBackward(dout: GpuTensor, cache: BoxIouCache): { dboxes1: GpuTensor; dboxes2: GpuTensor } {
  const { boxes1, boxes2 } = cache;
  const [K, M] = [boxes1.shape[0], boxes2.shape[0]];
  requireShape('box_iou_backward', 'dout', dout, [K, M], 'K and M from the forward pass');
  const dboxes1 = zeros(dout.gpu, [K, 4]);
  const dboxes2 = zeros(dout.gpu, [M, 4]);
  launch(dout.gpu, backwardKernel, { boxes1, boxes2, dout, dboxes1, dboxes2 }, { count: K + M, K, M });
  return { dboxes1, dboxes2 };
}
