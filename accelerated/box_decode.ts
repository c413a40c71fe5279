import { validateBoxDecode } from '../reference/box_decode';
import { boxCoding } from './boxes';

/** Twin of reference/box_decode, through the box-coding kernels of accelerated/boxes.ts: deltas (x) → boxes (y). */
export const { forward: boxDecodeForward, backward: boxDecodeBackward } = boxCoding({
  op: 'box_decode',
  input: 'deltas',
  output: 'boxes',
  validate: validateBoxDecode,
  forward: `let c = center(a) + x.xy * size(a);
  let s = size(a) * exp(x.zw);
  let y = vec4<f32>(c - 0.5 * s, c + 0.5 * s);`,
  backward: `let gc = dy.xy + dy.zw;
  let gs = 0.5 * (dy.zw - dy.xy);
  let grow = exp(x.zw);
  let dx = vec4<f32>(gc * size(a), gs * size(a) * grow);
  let da = corners(gc, gc * x.xy + gs * grow);`,
});
