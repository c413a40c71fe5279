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
