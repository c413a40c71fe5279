import { validateBoxEncode } from '../reference/box_encode';
import { boxCoding } from './boxes';

/** Twin of reference/box_encode, through the box-coding kernels of accelerated/boxes.ts: boxes (x) → deltas (y). */
export const { forward: boxEncodeForward, backward: boxEncodeBackward } = boxCoding({
  op: 'box_encode',
  input: 'boxes',
  output: 'deltas',
  validate: validateBoxEncode,
  forward: 'let y = vec4<f32>((center(x) - center(a)) / size(a), log(size(x) / size(a)));',
  backward: `let t = (center(x) - center(a)) / size(a);
  let dx = corners(dy.xy / size(a), dy.zw / size(x));
  let da = corners(-dy.xy / size(a), (-dy.xy * t - dy.zw) / size(a));`,
});
