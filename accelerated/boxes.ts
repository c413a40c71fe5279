import { requireShape, type Shaped } from '../reference/validate';
import { zeros, type GpuTensor } from './runtime/buffers';
import { kernel, launch } from './runtime/kernel';

/**
 * WGSL of the detection twins (reference/boxes.ts): a box is a vec4 (x1, y1, x2, y2), read from a
 * flat array of 4 floats per box. Same tie rules as the reference: IoU 0 when the union is 0; the
 * overlap's max/min pass their gradient to box a on a tie.
 */
export const BOX_WGSL = `
fn area(b: vec4<f32>) -> f32 { return (b.z - b.x) * (b.w - b.y); }

fn iou(a: vec4<f32>, b: vec4<f32>) -> f32 {
  let inter = max(0.0, min(a.z, b.z) - max(a.x, b.x)) * max(0.0, min(a.w, b.w) - max(a.y, b.y));
  let uni = area(a) + area(b) - inter;
  return select(0.0, inter / uni, uni > 0.0);
}

// (∂IoU/∂a, ∂IoU/∂b) scaled by g: columns 0 and 1 of the result.
fn iou_grad(a: vec4<f32>, b: vec4<f32>, g: f32) -> mat2x4<f32> {
  let w = min(a.z, b.z) - max(a.x, b.x);
  let h = min(a.w, b.w) - max(a.y, b.y);
  let iw = max(0.0, w);
  let ih = max(0.0, h);
  let inter = iw * ih;
  let uni = area(a) + area(b) - inter;
  if (!(uni > 0.0)) { return mat2x4<f32>(vec4<f32>(0.0), vec4<f32>(0.0)); }
  let d_inter = g * (1.0 / uni + inter / (uni * uni));
  let d_area = -g * inter / (uni * uni);
  var ga = d_area * vec4<f32>(-(a.w - a.y), -(a.z - a.x), a.w - a.y, a.z - a.x);
  var gb = d_area * vec4<f32>(-(b.w - b.y), -(b.z - b.x), b.w - b.y, b.z - b.x);
  if (w > 0.0) {
    let dw = d_inter * ih;
    if (a.x >= b.x) { ga.x -= dw; } else { gb.x -= dw; }
    if (a.z <= b.z) { ga.z += dw; } else { gb.z += dw; }
  }
  if (h > 0.0) {
    let dh = d_inter * iw;
    if (a.y >= b.y) { ga.y -= dh; } else { gb.y -= dh; }
    if (a.w <= b.w) { ga.w += dh; } else { gb.w += dh; }
  }
  return mat2x4<f32>(ga, gb);
}`;

/** WGSL: box k of the flat array `name`. */
export const loadBox = (name: string, k: string): string =>
  `vec4<f32>(${name}[4u * ${k}], ${name}[4u * ${k} + 1u], ${name}[4u * ${k} + 2u], ${name}[4u * ${k} + 3u])`;

/** WGSL: stores vec4 `v` as box k of `name`. */
export const storeBox = (name: string, k: string, v: string): string =>
  `${name}[4u * ${k}] = ${v}.x; ${name}[4u * ${k} + 1u] = ${v}.y; ${name}[4u * ${k} + 2u] = ${v}.z; ${name}[4u * ${k} + 3u] = ${v}.w;`;

/** WGSL of box coding: center and size of a box per axis (vec2: x, y), and their gradients as corner gradients. */
export const CENTER_WGSL = `
fn center(b: vec4<f32>) -> vec2<f32> { return (b.xy + b.zw) * 0.5; }
fn size(b: vec4<f32>) -> vec2<f32> { return b.zw - b.xy; }
// ∂/∂(x1, y1, x2, y2) from ∂/∂center and ∂/∂size.
fn corners(d_center: vec2<f32>, d_size: vec2<f32>) -> vec4<f32> {
  return vec4<f32>(d_center * 0.5 - d_size, d_center * 0.5 + d_size);
}`;

/**
 * The twins of box coding, box_encode and box_decode: a map (x, anchors) → y, one box each per
 * anchor, and its backward. One invocation per box, both axes at once as vec2 (x, y); forward and
 * backward are pointwise over boxes, so there is nothing to tile. The WGSL `forward` sees the boxes
 * `x` and `a` (its anchor) and lets `y`; `backward` sees x, a and `dy` (y's gradient) and lets `dx`
 * and `da`. CENTER_WGSL is in scope for both.
 */
export interface BoxCoding<X extends string, Y extends string> {
  op: string;
  /** The arrays x and y are read from and written to. */
  input: X;
  output: Y;
  /** The reference's check of (x, anchors); returns K. */
  validate: (x: Shaped, anchors: Shaped) => number;
  forward: string;
  backward: string;
}

export interface BoxCodingCache {
  x: GpuTensor;
  anchors: GpuTensor;
}

export function boxCoding<X extends string, Y extends string>({ op, input, output, validate, forward, backward }: BoxCoding<X, Y>) {
  const [dx, dy] = [`d${input}`, `d${output}`] as const;
  const forwardKernel = kernel({
    name: `${op}:forward`,
    inputs: { [input]: 'f32', anchors: 'f32' },
    outputs: { [output]: 'f32' },
    helpers: CENTER_WGSL,
    body: `let x = ${loadBox(input, 'i')};
  let a = ${loadBox('anchors', 'i')};
  ${forward}
  ${storeBox(output, 'i', 'y')}`,
  });
  const backwardKernel = kernel({
    name: `${op}:backward`,
    inputs: { [input]: 'f32', anchors: 'f32', [dy]: 'f32' },
    outputs: { [dx]: 'f32', danchors: 'f32' },
    helpers: CENTER_WGSL,
    body: `let x = ${loadBox(input, 'i')};
  let a = ${loadBox('anchors', 'i')};
  let dy = ${loadBox(dy, 'i')};
  ${backward}
  ${storeBox(dx, 'i', 'dx')}
  ${storeBox('danchors', 'i', 'da')}`,
  });
  return {
    forward(x: GpuTensor, anchors: GpuTensor): Record<Y, GpuTensor> & { cache: BoxCodingCache } {
      const K = validate(x, anchors);
      const y = zeros(x.gpu, [K, 4]);
      launch(x.gpu, forwardKernel, { [input]: x, anchors, [output]: y }, { count: K });
      return { [output]: y, cache: { x, anchors } } as Record<Y, GpuTensor> & { cache: BoxCodingCache };
    },
    backward(grad: GpuTensor, { x, anchors }: BoxCodingCache): Record<`d${X}` | 'danchors', GpuTensor> {
      const K = anchors.shape[0];
      requireShape(`${op}_backward`, dy, grad, [K, 4], 'K from the forward pass');
      const [gradX, danchors] = [zeros(x.gpu, [K, 4]), zeros(x.gpu, [K, 4])];
      launch(x.gpu, backwardKernel, { [input]: x, anchors, [dy]: grad, [dx]: gradX, danchors }, { count: K });
      return { [dx]: gradX, danchors } as Record<`d${X}` | 'danchors', GpuTensor>;
    },
  };
}
