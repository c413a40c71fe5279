import {
  anchorParams,
  detectorModel,
  type AnchorConfig,
  type BoxLossParams,
  type DetectorHyper,
  type DetectorModel,
  type DetectorOps,
} from '../../reference/models/detector';
import { numel, tensor, type Tensor } from '../../reference/tensor';
import { anchorsForward } from '../anchors';
import { batchedNmsForward } from '../batched_nms';
import { boxDecodeForward } from '../box_decode';
import { read, view, type GpuTensor } from '../runtime/buffers';
import { pointwise } from '../runtime/pointwise';
import { scope } from '../runtime/scope';
import { lossGradient, sumOfTerms } from '../runtime/scalar_loss';
import { softmaxForward } from '../softmax';
import { WEBGPU_OPS } from './layers';

/**
 * Twin of reference/models/detector.ts: the same model (detectorModel) over the twins of its ops
 * (conv2d, relu, max_pool2d, temporal_softmax_loss; for inference softmax, anchors, box_decode,
 * batched_nms), everything on the device; only the loss of a step and the detections after NMS
 * are read back. The pieces that are not ops are small kernels here, each through
 * accelerated/runtime/pointwise.ts (one invocation per element, no shared memory: pure gathers and
 * scatters or per-element terms, nothing to reuse):
 *   anchor_rows    the heads' (N, A·K, H, W) maps as (N, T, K) anchor rows and back: one
 *                  invocation per map element computes its anchor-row position (a permutation)
 *   box_loss       smoothL1 terms of the positive anchors, summed by the tree reduction; its gradient
 *   tile           the anchors repeated per image (box_decode pairs one anchor with each delta row)
 *   candidates     per (anchor, foreground class) of one image: clipped box, score, class id
 *   detections     the kept candidates as mean_average_precision rows
 */

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

interface BoxLossCache {
  pred: GpuTensor;
  target: GpuTensor;
  labels: GpuTensor;
  params: BoxLossParams;
}

/** Twin of boxLossForward: box_weight/N · Σ over positive anchors of smoothL1_β(pred − target). */
function boxLossForward(pred: GpuTensor, target: GpuTensor, labels: GpuTensor, params: BoxLossParams): { loss: GpuTensor; cache: BoxLossCache } {
  const loss = sumOfTerms(
    {
      name: 'detector:box_loss',
      inputs: { pred, goal: target, labels },
      count: numel(pred.shape),
      uniforms: { beta: ['f32', params.beta] },
      body: `let d = abs(pred[i] - goal[i]);
  terms[i] = select(0.0, select(d - 0.5 * beta, 0.5 * d * d / beta, d < beta), labels[i / 4u] > 0);`,
    },
    params.box_weight / pred.shape[0],
  );
  return { loss, cache: { pred, target, labels, params } };
}

function boxLossBackward(dloss: GpuTensor, { pred, target, labels, params }: BoxLossCache): { dpred: GpuTensor } {
  const { dpred } = lossGradient({
    name: 'detector:box_loss',
    inputs: { pred, goal: target, labels },
    dloss,
    grads: ['dpred'],
    shape: pred.shape,
    uniforms: { beta: ['f32', params.beta], scale: ['f32', params.box_weight / pred.shape[0]] },
    body: 'dpred[i] = select(0.0, g * scale * clamp((pred[i] - goal[i]) / beta, -1.0, 1.0), labels[i / 4u] > 0);',
  });
  return { dpred };
}

const WEBGPU_DETECTOR_OPS: DetectorOps<GpuTensor> = {
  ...WEBGPU_OPS,
  anchorRowsForward: (x, A) => ({ out: anchorRows('forward', x, x.shape, A), cache: { shape: x.shape, A } }),
  anchorRowsBackward: (dout, { shape, A }: { shape: readonly number[]; A: number }) => ({ dx: anchorRows('backward', dout, shape, A) }),
  boxLossForward,
  boxLossBackward,
};

/** anchors (T, 4) repeated `times` times: one row per (image, anchor). */
function tileRows(anchors: GpuTensor, times: number): GpuTensor {
  const size = numel(anchors.shape);
  return pointwise(anchors.gpu, {
    name: 'detector:tile',
    inputs: { anchors },
    outputs: { out: { shape: [times * anchors.shape[0], 4] } },
    uniforms: { size: ['u32', size] },
    count: times * size,
    body: 'out[i] = anchors[i % size];',
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
  return read(rows);
}

/** Twin of referenceDetector: the same model (detectorModel), its inference on the device. */
export const webgpuDetector = (h: DetectorHyper, a: AnchorConfig): DetectorModel<GpuTensor> =>
  detectorModel(WEBGPU_DETECTOR_OPS, h, a, async ({ features, cls, deltas }, X, firstImage) => {
    const [N, T] = cls.shape;
    const { anchors } = anchorsForward(features, anchorParams(a));
    const probs = softmaxForward(cls).out;
    const tiled = tileRows(anchors, N);
    const { boxes } = boxDecodeForward(view(deltas, [N * T, 4]), tiled);
    const found: Tensor[] = [];
    // The model's detect runs this in a scope; each image's candidates go in a scope of their own.
    for (let n = 0; n < N; n++) {
      found.push(
        await scope(async () => {
          const c = candidates(probs, boxes, n, X.shape[3]);
          const { keep } = await batchedNmsForward(c.boxes, c.scores, c.idxs, { iou_threshold: h.nms_iou, score_threshold: h.score_threshold });
          return detectionRows(keep, c, firstImage + n);
        }),
      );
    }
    return tensor(
      [found.reduce((s, d) => s + d.shape[0], 0), 7],
      found.flatMap((d) => Array.from(d.data)),
    );
  });
