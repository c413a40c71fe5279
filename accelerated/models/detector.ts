import {
  anchorParams, anchorsPerCell, validateDetectorHyper, type AnchorConfig, type BoxLossParams, type DetectorHyper, type DetectorModel,
} from '../../reference/models/detector';
import { numel, tensor, type Tensor } from '../../reference/tensor';
import { anchorsForward } from '../anchors';
import { batchedNmsForward } from '../batched_nms';
import { boxDecodeForward } from '../box_decode';
import { read, release, upload, view, type GpuTensor } from '../buffers';
import { conv2dBackward, conv2dForward, type Conv2dCache } from '../conv2d';
import { maxPool2dBackward, maxPool2dForward, type MaxPool2dCache } from '../max_pool2d';
import { pointwise } from '../pointwise';
import { reluBackward, reluForward } from '../relu';
import { lossGradient, sumOfTerms } from '../scalar_loss';
import { softmaxForward } from '../softmax';
import { temporalSoftmaxLossBackward, temporalSoftmaxLossForward } from '../temporal_softmax_loss';
import { add, addAndRelease, one } from './linear';

/**
 * Twin of reference/models/detector.ts: the same backbone, heads, loss and inference composed of
 * twins (conv2d, relu, max_pool2d, temporal_softmax_loss, softmax, anchors, box_decode,
 * batched_nms), everything on the device; only the loss of a step and the detections after NMS
 * are read back. The pieces that are not ops are small kernels here, each through
 * accelerated/pointwise.ts (one invocation per element, no shared memory: pure gathers and
 * scatters or per-element terms, nothing to reuse):
 *   take_rows      a minibatch: out[r, j] = src[index[r], j], in the source's dtype (f32 or i32)
 *   anchor_rows    the heads' (N, A·K, H, W) maps as (N, T, K) anchor rows and back: one
 *                  invocation per map element computes its anchor-row position (a permutation)
 *   box_loss       smoothL1 terms of the positive anchors, summed by the tree reduction; its gradient
 *   tile           the anchors repeated per image (box_decode pairs one anchor with each delta row)
 *   candidates     per (anchor, foreground class) of one image: clipped box, score, class id
 *   detections     the kept candidates as mean_average_precision rows
 */
export function takeRows(t: GpuTensor, rows: readonly number[]): GpuTensor {
  const D = numel(t.shape.slice(1));
  const index = upload(t.gpu, tensor([rows.length], rows), 'i32');
  const { out } = pointwise(t.gpu, {
    name: `detector:take_rows:${t.dtype}`,
    inputs: { src: t, index },
    outputs: { out: { shape: [rows.length, ...t.shape.slice(1)], dtype: t.dtype } },
    uniforms: { D: ['u32', D] },
    count: rows.length * D,
    body: 'out[i] = src[u32(index[i / D]) * D + i % D];',
  });
  release(index);
  return out;
}

/** WGSL: the flat (N, T, K) anchor-row position of element i of an (N, A·K, H, W) head map. */
const ANCHOR_ROW_WGSL = `
fn anchor_row(i: u32, A: u32, K: u32, H: u32, W: u32) -> u32 {
  let x = i % W;
  let y = (i / W) % H;
  let k = (i / (W * H)) % K;
  let a = (i / (W * H * K)) % A;
  let n = i / (W * H * K * A);
  return (((n * H + y) * W + x) * A + a) * K + k;
}`;

function anchorRows(direction: 'forward' | 'backward', src: GpuTensor, mapShape: readonly number[], A: number): GpuTensor {
  const [N, AK, H, W] = mapShape;
  const K = AK / A;
  const forward = direction === 'forward';
  const { out } = pointwise(src.gpu, {
    name: `detector:anchor_rows:${direction}`,
    inputs: { src },
    outputs: { out: { shape: forward ? [N, H * W * A, K] : mapShape } },
    uniforms: { A: ['u32', A], K: ['u32', K], H: ['u32', H], W: ['u32', W] },
    count: numel(mapShape),
    functions: ANCHOR_ROW_WGSL,
    body: forward ? 'out[anchor_row(i, A, K, H, W)] = src[i];' : 'out[i] = src[anchor_row(i, A, K, H, W)];',
  });
  return out;
}

/** Twin of boxLossForward: box_weight/N · Σ over positive anchors of smoothL1_β(pred − target). */
function boxLossForward(pred: GpuTensor, target: GpuTensor, labels: GpuTensor, p: BoxLossParams): GpuTensor {
  return sumOfTerms({
    name: 'detector:box_loss',
    inputs: { pred, goal: target, labels },
    count: numel(pred.shape),
    uniforms: { beta: ['f32', p.beta] },
    body: `let d = abs(pred[i] - goal[i]);
  terms[i] = select(0.0, select(d - 0.5 * beta, 0.5 * d * d / beta, d < beta), labels[i / 4u] > 0);`,
  }, p.box_weight / pred.shape[0]);
}

function boxLossBackward(dloss: GpuTensor, pred: GpuTensor, target: GpuTensor, labels: GpuTensor, p: BoxLossParams): GpuTensor {
  return lossGradient({
    name: 'detector:box_loss',
    inputs: { pred, goal: target, labels },
    dloss,
    grads: ['dpred'],
    shape: pred.shape,
    uniforms: { beta: ['f32', p.beta], scale: ['f32', p.box_weight / pred.shape[0]] },
    body: 'dpred[i] = select(0.0, g * scale * clamp((pred[i] - goal[i]) / beta, -1.0, 1.0), labels[i / 4u] > 0);',
  }).dpred;
}

interface Layer { conv: Conv2dCache; relu: { x: GpuTensor }; pool?: MaxPool2dCache }
interface Head { conv: Conv2dCache; mapShape: readonly number[] }

interface Pass {
  features: GpuTensor;
  cls: GpuTensor;
  deltas: GpuTensor;
  layers: Layer[];
  heads: { cls: Head; deltas: Head };
  /** Every intermediate, freed together once the step is done. */
  temps: GpuTensor[];
}

const POOL = { pool_height: 2, pool_width: 2, stride: 2 };

function backboneLayer(x: GpuTensor, w: GpuTensor, b: GpuTensor, pool: boolean, temps: GpuTensor[]): { out: GpuTensor; layer: Layer } {
  const conv = conv2dForward(x, w, b, { pad: 1 });
  const relu = reluForward(conv.out);
  temps.push(conv.out, relu.out);
  if (!pool) return { out: relu.out, layer: { conv: conv.cache, relu: relu.cache } };
  const pooled = maxPool2dForward(relu.out, POOL);
  temps.push(pooled.out, pooled.indices);
  return { out: pooled.out, layer: { conv: conv.cache, relu: relu.cache, pool: pooled.cache } };
}

function headForward(features: GpuTensor, w: GpuTensor, b: GpuTensor, A: number, temps: GpuTensor[]): { out: GpuTensor; head: Head } {
  const conv = conv2dForward(features, w, b, { pad: (w.shape[2] - 1) / 2 });
  const out = anchorRows('forward', conv.out, conv.out.shape, A);
  temps.push(conv.out, out);
  return { out, head: { conv: conv.cache, mapShape: conv.out.shape } };
}

function detectorForward(p: Record<string, GpuTensor>, X: GpuTensor, A: number): Pass {
  const temps: GpuTensor[] = [];
  const l1 = backboneLayer(X, p.W1, p.b1, true, temps);
  const l2 = backboneLayer(l1.out, p.W2, p.b2, true, temps);
  const l3 = backboneLayer(l2.out, p.W3, p.b3, false, temps);
  const cls = headForward(l3.out, p.Wc, p.bc, A, temps);
  const deltas = headForward(l3.out, p.Wr, p.br, A, temps);
  return { features: l3.out, cls: cls.out, deltas: deltas.out, layers: [l1.layer, l2.layer, l3.layer], heads: { cls: cls.head, deltas: deltas.head }, temps };
}

/** Twin of detectorBackward; its intermediates join pass.temps. */
function detectorBackward(dcls: GpuTensor, ddeltas: GpuTensor, pass: Pass, A: number): Record<string, GpuTensor> {
  const { heads, layers, temps } = pass;
  const headGrad = (d: GpuTensor, head: Head) => {
    const dmap = anchorRows('backward', d, head.mapShape, A);
    temps.push(dmap);
    return conv2dBackward(dmap, head.conv);
  };
  const gc = headGrad(dcls, heads.cls);
  const gr = headGrad(ddeltas, heads.deltas);
  const grads: Record<string, GpuTensor> = { dWc: gc.dw, dbc: gc.db, dWr: gr.dw, dbr: gr.db };
  let dout = add(gc.dx, gr.dx);
  temps.push(gc.dx, gr.dx, dout);
  for (let l = layers.length - 1; l >= 0; l--) {
    const { conv, relu, pool } = layers[l];
    const dpooled = pool ? maxPool2dBackward(dout, pool).dx : dout;
    const drelu = reluBackward(dpooled, relu).dx;
    const g = conv2dBackward(drelu, conv);
    temps.push(...(pool ? [dpooled] : []), drelu, g.dx);
    grads[`dW${l + 1}`] = g.dw;
    grads[`db${l + 1}`] = g.db;
    dout = g.dx;
  }
  return grads;
}

/** anchors (T, 4) repeated `times` times: one row per (image, anchor). */
function tileRows(anchors: GpuTensor, times: number): GpuTensor {
  const size = numel(anchors.shape);
  return pointwise(anchors.gpu, {
    name: 'detector:tile', inputs: { anchors }, outputs: { out: { shape: [times * anchors.shape[0], 4] } },
    uniforms: { size: ['u32', size] }, count: times * size, body: 'out[i] = anchors[i % size];',
  }).out;
}

/** Twin of reference candidates(): image n's (T·C) clipped boxes, scores and class ids. */
function candidates(probs: GpuTensor, boxes: GpuTensor, n: number, canvas: number): { boxes: GpuTensor; scores: GpuTensor; idxs: GpuTensor } {
  const [, T, K1] = probs.shape;
  const C = K1 - 1;
  const out = pointwise(probs.gpu, {
    name: 'detector:candidates',
    inputs: { probs, decoded: boxes },
    outputs: { boxes: { shape: [T * C, 4] }, scores: { shape: [T * C] }, idxs: { shape: [T * C], dtype: 'i32' } },
    uniforms: { n: ['u32', n], T: ['u32', T], C: ['u32', C], canvas: ['f32', canvas] },
    count: T * C,
    body: `let row = n * T + i / C;
  let c = i % C;
  for (var j = 0u; j < 4u; j++) { boxes[4u * i + j] = clamp(decoded[4u * row + j], 0.0, canvas); }
  scores[i] = probs[row * (C + 1u) + c + 1u];
  idxs[i] = i32(c);`,
  });
  return { boxes: out.boxes, scores: out.scores, idxs: out.idxs };
}

/** The kept candidates as rows [image, class, score, x1, y1, x2, y2], read back. */
async function detectionRows(keep: GpuTensor, c: ReturnType<typeof candidates>, image: number): Promise<Tensor> {
  const K = keep.shape[0];
  if (K === 0) return tensor([0, 7]);
  const { rows } = pointwise(keep.gpu, {
    name: 'detector:detections',
    inputs: { keep, boxes: c.boxes, scores: c.scores, idxs: c.idxs },
    outputs: { rows: { shape: [K, 7] } },
    uniforms: { image: ['f32', image] },
    count: K,
    body: `let k = u32(keep[i]);
  rows[7u * i] = image;
  rows[7u * i + 1u] = f32(idxs[k]);
  rows[7u * i + 2u] = scores[k];
  for (var j = 0u; j < 4u; j++) { rows[7u * i + 3u + j] = boxes[4u * k + j]; }`,
  });
  const host = await read(rows);
  release(rows);
  return host;
}

/** Twin of referenceDetector. */
export function webgpuDetector(h: DetectorHyper, a: AnchorConfig): DetectorModel<GpuTensor> {
  validateDetectorHyper(h);
  const A = anchorsPerCell(a);
  return {
    loss(params, X, targets) {
      const pass = detectorForward(params, X, A);
      const cls = temporalSoftmaxLossForward(pass.cls, targets.labels, targets.mask);
      const box = boxLossForward(pass.deltas, targets.deltas, targets.labels, h);
      const dloss = one(X);
      const dcls = temporalSoftmaxLossBackward(dloss, cls.cache).dx;
      const dpred = boxLossBackward(dloss, pass.deltas, targets.deltas, targets.labels, h);
      pass.temps.push(dloss, dcls, dpred);
      const grads = detectorBackward(dcls, dpred, pass, A);
      release(...pass.temps);
      return { loss: addAndRelease(cls.loss, box), grads };
    },
    async detect(params, X, firstImage) {
      const pass = detectorForward(params, X, A);
      const [N, T] = pass.cls.shape;
      const { anchors } = anchorsForward(pass.features, anchorParams(a));
      const probs = softmaxForward(pass.cls).out;
      const tiled = tileRows(anchors, N);
      const { boxes } = boxDecodeForward(view(pass.deltas, [N * T, 4]), tiled);
      pass.temps.push(anchors, probs, tiled, boxes);
      const found: Tensor[] = [];
      try {
        for (let n = 0; n < N; n++) {
          const c = candidates(probs, boxes, n, X.shape[3]);
          const { keep } = await batchedNmsForward(c.boxes, c.scores, c.idxs, { iou_threshold: h.nms_iou, score_threshold: h.score_threshold });
          found.push(await detectionRows(keep, c, firstImage + n));
          release(keep, c.boxes, c.scores, c.idxs);
        }
      } finally {
        release(...pass.temps);
      }
      return tensor([found.reduce((s, d) => s + d.shape[0], 0), 7], found.flatMap((d) => Array.from(d.data)));
    },
  };
}
