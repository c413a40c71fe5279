import { anchorsForward } from '../anchors';
import { batchedNmsForward } from '../batched_nms';
import { boxDecodeForward } from '../box_decode';
import { boxEncodeForward } from '../box_encode';
import { boxIouForward } from '../box_iou';
import { hyper } from '../hyperparams';
import { kaimingNormalForward } from '../init';
import { softmaxForward } from '../softmax';
import { scalar, tensor, reshape, type Tensor } from '../tensor';
import { InputError, requireShape, type Shaped } from '../validate';
import type { LossAndGrads } from './backend';
import { readE2eFixture } from './fixtures';
import { REFERENCE_OPS, Tape, type Ops } from './layers';
import { SHAPE_CLASSES, type ShapeObject, type ShapesConfig } from './shapes';
import type { SolverConfig } from './solver';

/**
 * A single-stage anchor detector on the synthetic shapes (reference/models/shapes.ts), written once
 * over a backend's ops (detectorModel: the reference ops here, the twins in
 * accelerated/models/detector.ts) on the classifiers' tape (layers.ts). Architecture, on x (N, 1, S, S), S divisible by 4:
 *   backbone  conv3×3(1→c1, pad 1) – relu – maxpool 2×2 – conv3×3(c1→c2) – relu – maxpool 2×2 –
 *             conv3×3(c2→c3) – relu                    → features (N, c3, S/4, S/4), stride 4
 *   heads     conv k×k(c3 → A·(C+1)) and conv k×k(c3 → A·4) (pad (k−1)/2) on the features,
 *             each reordered to one row per anchor (anchorRows) → cls (N, T, C+1), deltas (N, T, 4)
 * with A = scales × ratios anchors per cell (the anchors op), T = (S/4)²·A anchors per image in
 * the anchors op's order, C = 3 classes and class 0 of cls the background.
 *
 * Anchor matching (matchAnchors, fixed per image before training): with IoU from box_iou, an
 * anchor whose best ground-truth IoU is ≥ pos_iou is positive for that box (ties: the first box),
 * one below neg_iou is background, one in between is ignored (mask 0); then every ground-truth box
 * also makes its own best anchor positive (Faster R-CNN's rule, so each box has one). A positive
 * anchor's label is its box's class + 1 and its regression target box_encode(box, anchor).
 *
 * Loss, per minibatch of N images (both terms divided by N, the images, as temporal_softmax_loss does):
 *   L = temporal_softmax_loss(cls, labels, mask)
 *     + box_weight·(1/N)·Σ_{positive anchors} Σ_{k<4} smoothL1_β(deltas[k] − target[k])
 *   smoothL1_β(d) = d²/(2β) for |d| < β, |d| − β/2 otherwise (PyTorch's smooth_l1_loss)
 *
 * Inference (detect): per anchor and foreground class c, score softmax(cls)[c] and the box
 * box_decode(deltas, anchor) clipped to the canvas; batched_nms per image (classes apart, IoU >
 * nms_iou suppresses, score > score_threshold) gives the detections, scored by mean_average_precision.
 */
export const CLASSES = SHAPE_CLASSES.length;

/** The pixels per feature-map cell: two 2×2 max-pools. */
export const FEATURE_STRIDE = 4;

export interface DetectorHyper {
  c1: number;
  c2: number;
  c3: number;
  /** Side of the head convolutions (odd). */
  head_kernel: number;
  pos_iou: number;
  neg_iou: number;
  box_weight: number;
  beta: number;
  score_threshold: number;
  nms_iou: number;
  /** Initial foreground probability of every anchor (the background logit's bias; see initDetector). */
  prior: number;
}

export interface AnchorConfig {
  scales: number[];
  ratios: number[];
}

/** fixtures/e2e/detector.json. */
export interface DetectorFixture {
  model: 'detector';
  description: string;
  /** mAP@0.5 on the held-out set. */
  target: number;
  data: Omit<ShapesConfig, 'count' | 'seed'> & { train: { count: number; seed: number }; test: { count: number; seed: number } };
  hyper: DetectorHyper;
  anchors: AnchorConfig;
  solver: SolverConfig;
}

export const readDetectorFixture = (): DetectorFixture => readE2eFixture<DetectorFixture>('detector', ['target', 'data', 'hyper', 'anchors', 'solver']);

/** Checks the hyper-parameters (errors name the field); returns them. */
export function validateDetectorHyper(h: DetectorHyper): DetectorHyper {
  const op = 'detector';
  for (const name of ['c1', 'c2', 'c3'] as const) hyper(op, h, name, undefined, { min: 1, integer: true });
  const k = hyper(op, h, 'head_kernel', undefined, { min: 1, integer: true });
  if (k % 2 !== 1) throw new InputError(op, 'head_kernel', 'an odd integer', String(k));
  const neg = hyper(op, h, 'neg_iou', undefined, { min: 0, max: 1 });
  hyper(op, h, 'pos_iou', undefined, { min: neg, max: 1 });
  hyper(op, h, 'box_weight', undefined, { min: 0 });
  hyper(op, h, 'beta', undefined, { above: 0 });
  hyper(op, h, 'score_threshold', undefined, { min: 0, below: 1 });
  hyper(op, h, 'nms_iou', undefined, { min: 0, max: 1 });
  hyper(op, h, 'prior', undefined, { above: 0, below: 1 });
  return h;
}

/** The anchors op's params for this detector. */
export const anchorParams = (a: AnchorConfig) => ({ stride: FEATURE_STRIDE, scales: a.scales, ratios: a.ratios });

export const anchorsPerCell = (a: AnchorConfig): number => a.scales.length * a.ratios.length;

/** The anchors (T, 4) of an S×S canvas. */
export function detectorAnchors(canvas: number, a: AnchorConfig): Tensor {
  if (!(Number.isInteger(canvas) && canvas > 0 && canvas % FEATURE_STRIDE === 0)) {
    throw new InputError('detector', 'canvas', `a positive multiple of ${FEATURE_STRIDE}`, String(canvas));
  }
  const side = canvas / FEATURE_STRIDE;
  return anchorsForward(tensor([1, 1, side, side]), anchorParams(a)).anchors;
}

/**
 * Conv weights from kaiming_normal (fan_in, gain √2) with seeds derived from `seed`; biases 0
 * except the background logit of every anchor in bc, log(C·(1 − prior)/prior), so that training
 * starts from foreground probability `prior` per anchor instead of C/(C + 1) (the prior
 * initialization of RetinaNet): the many background anchors then do not swamp the first steps.
 */
export function initDetector(h: DetectorHyper, a: AnchorConfig, seed: number): Record<string, Tensor> {
  const { c1, c2, c3, head_kernel: k } = validateDetectorHyper(h);
  const A = anchorsPerCell(a);
  const shapes: Record<string, number[]> = {
    W1: [c1, 1, 3, 3],
    W2: [c2, c1, 3, 3],
    W3: [c3, c2, 3, 3],
    Wc: [A * (CLASSES + 1), c3, k, k],
    Wr: [A * 4, c3, k, k],
  };
  const params: Record<string, Tensor> = {};
  Object.entries(shapes).forEach(([name, shape], i) => {
    params[name] = kaimingNormalForward(tensor(shape), { seed: seed * 16 + i }).out;
    params[`b${name.slice(1)}`] = tensor([shape[0]]);
  });
  for (let anchor = 0; anchor < A; anchor++) params.bc.data[anchor * (CLASSES + 1)] = Math.log((CLASSES * (1 - h.prior)) / h.prior);
  return params;
}

// ---------------------------------------------------------------------------------------------
// Anchor matching: targets per image, fixed before training.

export interface MatchParams {
  pos_iou: number;
  neg_iou: number;
}

/** labels (T) (0 background, c + 1 class c), mask (T) (0 ignored), deltas (T, 4) (0 off the positives). */
export function matchAnchors(
  anchors: Tensor,
  objects: readonly ShapeObject[],
  { pos_iou, neg_iou }: MatchParams,
): { labels: number[]; mask: number[]; deltas: number[] } {
  const T = anchors.shape[0];
  const labels = new Array<number>(T).fill(0);
  const mask = new Array<number>(T).fill(1);
  const deltas = new Array<number>(4 * T).fill(0);
  const G = objects.length;
  if (G === 0) return { labels, mask, deltas };
  const iou = boxIouForward(
    anchors,
    tensor(
      [G, 4],
      objects.flatMap((o) => o.box),
    ),
  ).out.data;
  const matched = new Array<number>(T).fill(-1);
  for (let t = 0; t < T; t++) {
    let best = 0;
    for (let g = 1; g < G; g++) if (iou[t * G + g] > iou[t * G + best]) best = g;
    if (iou[t * G + best] >= pos_iou) matched[t] = best;
    else if (iou[t * G + best] >= neg_iou) mask[t] = 0;
  }
  for (let g = 0; g < G; g++) {
    let best = 0;
    for (let t = 1; t < T; t++) if (iou[t * G + g] > iou[best * G + g]) best = t;
    if (iou[best * G + g] > 0) matched[best] = g;
  }
  const positives = matched.flatMap((g, t) => (g >= 0 ? [t] : []));
  if (positives.length === 0) return { labels, mask, deltas };
  const boxes = tensor(
    [positives.length, 4],
    positives.flatMap((t) => objects[matched[t]].box),
  );
  const rows = tensor(
    [positives.length, 4],
    positives.flatMap((t) => Array.from(anchors.data.subarray(4 * t, 4 * t + 4))),
  );
  const encoded = boxEncodeForward(boxes, rows).deltas.data;
  positives.forEach((t, p) => {
    labels[t] = objects[matched[t]].cls + 1;
    mask[t] = 1;
    deltas.splice(4 * t, 4, ...encoded.subarray(4 * p, 4 * p + 4));
  });
  return { labels, mask, deltas };
}

/** Host targets of a minibatch or a whole set: labels, mask (N, T) and deltas (N, T, 4). */
export interface DetectionTargets<T> {
  labels: T;
  mask: T;
  deltas: T;
}

export function detectionTargets(anchors: Tensor, objects: readonly ShapeObject[][], params: MatchParams): DetectionTargets<Tensor> {
  const T = anchors.shape[0];
  const N = objects.length;
  const per = objects.map((o) => matchAnchors(anchors, o, params));
  return {
    labels: tensor(
      [N, T],
      per.flatMap((m) => m.labels),
    ),
    mask: tensor(
      [N, T],
      per.flatMap((m) => m.mask),
    ),
    deltas: tensor(
      [N, T, 4],
      per.flatMap((m) => m.deltas),
    ),
  };
}

// ---------------------------------------------------------------------------------------------
// The two pieces that are not ops: the head's reordering to anchor rows and the box loss.

/**
 * out[n, (y·W + x)·A + a, k] = x[n, a·K + k, y, x]: a head's (N, A·K, H, W) map as one row of K
 * values per anchor, in the anchors op's order (cell-major, then anchor). A permutation: the
 * backward applies its inverse.
 */
export function anchorRowsForward(x: Tensor, A: number): { out: Tensor; cache: { shape: readonly number[]; A: number } } {
  const [N, AK, H, W] = x.shape;
  const K = AK / A;
  const out = tensor([N, H * W * A, K]);
  forEachAnchorEntry(N, A, K, H, W, (src, dst) => {
    out.data[dst] = x.data[src];
  });
  return { out, cache: { shape: x.shape, A } };
}

export function anchorRowsBackward(dout: Tensor, cache: { shape: readonly number[]; A: number }): { dx: Tensor } {
  const [N, AK, H, W] = cache.shape;
  const K = AK / cache.A;
  requireShape('anchor_rows_backward', 'dout', dout, [N, H * W * cache.A, K], 'the forward output shape');
  const dx = tensor(cache.shape);
  forEachAnchorEntry(N, cache.A, K, H, W, (src, dst) => {
    dx.data[src] = dout.data[dst];
  });
  return { dx };
}

function forEachAnchorEntry(N: number, A: number, K: number, H: number, W: number, visit: (src: number, dst: number) => void): void {
  for (let n = 0; n < N; n++) {
    for (let a = 0; a < A; a++) {
      for (let k = 0; k < K; k++) {
        for (let y = 0; y < H; y++) {
          for (let x = 0; x < W; x++) visit((((n * A + a) * K + k) * H + y) * W + x, (((n * H + y) * W + x) * A + a) * K + k);
        }
      }
    }
  }
}

export interface BoxLossParams {
  beta: number;
  box_weight: number;
}
export interface BoxLossCache {
  pred: Tensor;
  target: Tensor;
  labels: Tensor;
  params: BoxLossParams;
}

/** L = box_weight/N · Σ_{n, t: labels > 0} Σ_k smoothL1_β(pred − target), pred and target (N, T, 4). */
export function boxLossForward(pred: Tensor, target: Tensor, labels: Tensor, params: BoxLossParams): { loss: Tensor; cache: BoxLossCache } {
  const N = pred.shape[0];
  let sum = 0;
  for (let i = 0; i < pred.data.length; i++) {
    if (labels.data[Math.floor(i / 4)] === 0) continue;
    const d = Math.abs(pred.data[i] - target.data[i]);
    sum += d < params.beta ? (d * d) / (2 * params.beta) : d - params.beta / 2;
  }
  return { loss: scalar((params.box_weight * sum) / N), cache: { pred, target, labels, params } };
}

/** ∂L/∂pred = dloss·box_weight/N · clamp((pred − target)/β, −1, 1) on the positive anchors, 0 elsewhere. */
export function boxLossBackward(dloss: Tensor, cache: BoxLossCache): { dpred: Tensor } {
  const { pred, target, labels, params } = cache;
  const g = (dloss.data[0] * params.box_weight) / pred.shape[0];
  const dpred = tensor(pred.shape);
  for (let i = 0; i < pred.data.length; i++) {
    if (labels.data[Math.floor(i / 4)] === 0) continue;
    dpred.data[i] = g * Math.min(1, Math.max(-1, (pred.data[i] - target.data[i]) / params.beta));
  }
  return { dpred };
}

// ---------------------------------------------------------------------------------------------
// The model.

/** A detector on one backend: the training loss and the detections of a batch of images. */
export interface DetectorModel<T> {
  loss(params: Record<string, T>, X: T, targets: DetectionTargets<T>): LossAndGrads<T>;
  /**
   * Detections of X (N, 1, S, S) as mean_average_precision rows [image, class, score, x1, y1, x2,
   * y2] (D, 7), images numbered from `firstImage`; read back to the host.
   */
  detect(params: Record<string, T>, X: T, firstImage: number): Promise<Tensor>;
}

/**
 * The ops the detector is composed of: the classifiers' (layers.ts: the model op table and the
 * tape's helpers) and the two pieces above that are not ops. REFERENCE_DETECTOR_OPS here, the twins
 * in accelerated/models/detector.ts.
 */
export interface DetectorOps<T> extends Ops<T> {
  anchorRowsForward(x: T, A: number): { out: T; cache: unknown };
  anchorRowsBackward(dout: T, cache: unknown): { dx: T };
  boxLossForward(pred: T, target: T, labels: T, params: BoxLossParams): { loss: T; cache: unknown };
  boxLossBackward(dloss: T, cache: unknown): { dpred: T };
}

export const REFERENCE_DETECTOR_OPS: DetectorOps<Tensor> = { ...REFERENCE_OPS, anchorRowsForward, anchorRowsBackward, boxLossForward, boxLossBackward };

/** The network's outputs: the backbone's features (N, c3, S/4, S/4), whose shape the anchors op reads, and both heads as anchor rows. */
export interface DetectorOutputs<T> {
  features: T;
  cls: T;
  deltas: T;
}

const POOL = { pool_height: 2, pool_width: 2, stride: 2 };

/**
 * The backbone (conv pad 1 – relu – [max_pool 2×2], three times, the last without pool) and the two
 * heads (conv k×k, pad (k − 1)/2, reordered to one row per anchor) on the tape.
 */
function detectorNetwork<T extends Shaped>(tape: Tape<T>, ops: DetectorOps<T>, X: T, A: number) {
  let h = tape.input(X, X.shape, true);
  for (let l = 1; l <= 3; l++) {
    h = tape.relu(tape.conv(h, `W${l}`, `b${l}`, { pad: 1 }));
    if (l < 3) h = tape.maxPool(h, POOL);
  }
  const features = h;
  const head = (W: string, b: string) => {
    const map = tape.conv(features, W, b, { pad: (tape.param(W).shape[2] - 1) / 2 });
    return tape.custom(map, ops.anchorRowsForward(map.value, A), (dout, cache) => ops.anchorRowsBackward(dout, cache).dx);
  };
  return { features, cls: head('Wc', 'bc'), deltas: head('Wr', 'br') };
}

/**
 * The detector of `hyper` and `anchors` (A per cell) on a backend's ops, written once:
 *   L = temporal_softmax_loss(cls, labels, mask) + box_loss(deltas, target deltas, labels),
 * its gradients by the tape; `infer` turns the outputs of a test-mode pass into detection rows (the
 * candidates and NMS of each backend).
 */
export function detectorModel<T extends Shaped>(
  ops: DetectorOps<T>,
  h: DetectorHyper,
  a: AnchorConfig,
  infer: (outputs: DetectorOutputs<T>, X: T, firstImage: number) => Promise<Tensor>,
): DetectorModel<T> {
  validateDetectorHyper(h);
  const A = anchorsPerCell(a);
  return {
    loss: (params, X, targets) =>
      ops.scope(() => {
        const tape = new Tape(ops, params, { train: true });
        const net = detectorNetwork(tape, ops, X, A);
        const cls = ops.temporalSoftmaxLossForward(net.cls.value, targets.labels, targets.mask);
        const box = ops.boxLossForward(net.deltas.value, targets.deltas, targets.labels, h);
        const one = ops.constant(X, scalar(1));
        const dcls = ops.temporalSoftmaxLossBackward(one, cls.cache).dx;
        const dpred = ops.boxLossBackward(one, box.cache).dpred;
        tape.backward([net.cls, dcls], [net.deltas, dpred]);
        return { loss: ops.add(cls.loss, box.loss), grads: tape.grads };
      }),
    detect: (params, X, firstImage) =>
      ops.scope(() => {
        const tape = new Tape(ops, params, { train: false, paramGrads: false });
        const net = detectorNetwork(tape, ops, X, A);
        return infer({ features: net.features.value, cls: net.cls.value, deltas: net.deltas.value }, X, firstImage);
      }),
  };
}

/** The detector on the reference ops. */
export const referenceDetector = (h: DetectorHyper, a: AnchorConfig): DetectorModel<Tensor> =>
  detectorModel(REFERENCE_DETECTOR_OPS, h, a, async ({ features, cls, deltas }, X, firstImage) =>
    detections(cls, deltas, anchorsForward(features, anchorParams(a)).anchors, X.shape[3], firstImage, h),
  );

/**
 * The detections of head outputs cls (N, T, C+1) and deltas (N, T, 4) on anchors (T, 4): per
 * image, the candidates (softmax scores, decoded boxes clipped to the canvas) through batched_nms,
 * as rows [image, class, score, x1, y1, x2, y2], images numbered from firstImage.
 */
export function detections(
  cls: Tensor,
  deltas: Tensor,
  anchors: Tensor,
  canvas: number,
  firstImage: number,
  h: Pick<DetectorHyper, 'nms_iou' | 'score_threshold'>,
): Tensor {
  const [N, T] = cls.shape;
  const probs = softmaxForward(cls).out;
  const boxes = boxDecodeForward(reshape(deltas, [N * T, 4]), tileRows(anchors, N)).boxes;
  const rows: number[] = [];
  for (let n = 0; n < N; n++) {
    const c = candidates(probs, boxes, n, canvas);
    const { keep } = batchedNmsForward(c.boxes, c.scores, c.idxs, { iou_threshold: h.nms_iou, score_threshold: h.score_threshold });
    for (const k of keep.data) rows.push(firstImage + n, c.idxs.data[k], c.scores.data[k], ...c.boxes.data.subarray(4 * k, 4 * k + 4));
  }
  return tensor([rows.length / 7, 7], rows);
}

/** t (R, …) repeated `times` times along the first axis (the anchors of each image of a batch). */
export function tileRows(t: Tensor, times: number): Tensor {
  const out = tensor([times * t.shape[0], ...t.shape.slice(1)]);
  for (let n = 0; n < times; n++) out.data.set(t.data, n * t.data.length);
  return out;
}

/**
 * The detection candidates of image n: one per (anchor t, foreground class c), at k = t·C + c,
 * box = boxes[n·T + t] clipped to [0, canvas], score = probs[n, t, c + 1], idx = c.
 */
export function candidates(probs: Tensor, boxes: Tensor, n: number, canvas: number): { boxes: Tensor; scores: Tensor; idxs: Tensor } {
  const [, T, K1] = probs.shape;
  const C = K1 - 1;
  const out = { boxes: tensor([T * C, 4]), scores: tensor([T * C]), idxs: tensor([T * C]) };
  for (let t = 0; t < T; t++) {
    for (let c = 0; c < C; c++) {
      const k = t * C + c;
      for (let j = 0; j < 4; j++) out.boxes.data[4 * k + j] = Math.min(canvas, Math.max(0, boxes.data[4 * (n * T + t) + j]));
      out.scores.data[k] = probs.data[(n * T + t) * K1 + c + 1];
      out.idxs.data[k] = c;
    }
  }
  return out;
}
