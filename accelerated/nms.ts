import { validateNms, type NmsParams } from '../reference/nms';
import { zeros, read, type GpuTensor } from './runtime/buffers';
import { BOX_WGSL, loadBox } from './boxes';
import { kernel, launch } from './runtime/kernel';
import { scope } from './runtime/scope';

/**
 * Twin of reference/nms and reference/batched_nms, after torchvision's CUDA NMS, all on the device:
 *  1. rank: one invocation per box counts the boxes ahead of it (candidates before dropped boxes,
 *     then higher score, then lower index) and writes itself to that slot of `order` — a sort by
 *     counting, O(K²) work, no atomics (the ranks are a permutation).
 *  2. mask: one invocation per (candidate p, 32-bit word w) sets bit b of mask[p, w] when the
 *     candidate q = 32w + b comes after p and IoU > iou_threshold (and, batched, the class is the
 *     same): the boxes p would suppress.
 *  3. scan: the greedy pass is sequential; one invocation walks the candidates in order, keeps
 *     each not yet removed and ORs its mask row into the removed bits (torchvision does this pass
 *     on the host; here it stays on the device). It writes the kept indices and their count.
 * The count is then read back (the only host step: it sizes `keep`) and the kept prefix copied out.
 */
const THRESHOLD_UNIFORMS = { K: 'u32', words: 'u32', iou_threshold: 'f32', use_score_threshold: 'u32', score_threshold: 'f32' } as const;

/** WGSL: whether box k is a candidate (score above the threshold, when there is one). */
const CANDIDATE = `
fn candidate(k: u32) -> bool { return u.use_score_threshold == 0u || scores[k] > u.score_threshold; }`;

const rankKernel = kernel({
  name: 'nms:rank',
  inputs: { scores: 'f32' },
  outputs: { order: 'i32' },
  uniforms: THRESHOLD_UNIFORMS,
  helpers: CANDIDATE,
  body: `let mine = candidate(i);
  let s = scores[i];
  var rank = 0u;
  for (var j = 0u; j < u.K; j++) {
    let theirs = candidate(j);
    let ahead = (theirs && !mine) || (theirs == mine && (scores[j] > s || (scores[j] == s && j < i)));
    rank += select(0u, 1u, ahead);
  }
  order[rank] = i32(i);`,
});

const maskKernel = (batched: boolean) => {
  return kernel({
    name: `nms:mask:${batched}`,
    inputs: { boxes: 'f32', order: 'i32', ...(batched ? ({ idxs: 'i32' } as const) : {}) },
    outputs: { mask: 'i32' },
    uniforms: THRESHOLD_UNIFORMS,
    helpers: BOX_WGSL,
    body: `let p = i / u.words;
  let first = (i % u.words) * 32u;
  let me = u32(order[p]);
  let box = ${loadBox('boxes', 'me')};
  var bits = 0u;
  for (var b = 0u; b < 32u; b++) {
    let q = first + b;
    if (q > p && q < u.K) {
      let other = u32(order[q]);
      let competes = ${batched ? 'idxs[me] == idxs[other]' : 'true'};
      if (competes && iou(box, ${loadBox('boxes', 'other')}) > u.iou_threshold) { bits |= 1u << b; }
    }
  }
  mask[i] = bitcast<i32>(bits);`,
  });
};
const MASK_KERNELS = { plain: maskKernel(false), batched: maskKernel(true) };

const scanKernel = kernel({
  name: 'nms:scan',
  inputs: { scores: 'f32', order: 'i32', mask: 'i32' },
  outputs: { removed: 'i32', kept: 'i32', count: 'i32' },
  uniforms: THRESHOLD_UNIFORMS,
  helpers: CANDIDATE,
  body: `for (var w = 0u; w < u.words; w++) { removed[w] = 0; }
  var n = 0u;
  for (var p = 0u; p < u.K; p++) {
    let k = u32(order[p]);
    if (!candidate(k)) { break; }
    if (((bitcast<u32>(removed[p / 32u]) >> (p % 32u)) & 1u) == 0u) {
      kept[n] = i32(k);
      n++;
      for (var w = p / 32u; w < u.words; w++) { removed[w] |= mask[p * u.words + w]; }
    }
  }
  count[0] = i32(n);`,
});

/** Greedy NMS of `boxes` by `scores`; with `idxs`, only boxes of the same class suppress each other. */
export async function suppress(op: string, boxes: GpuTensor, scores: GpuTensor, idxs: GpuTensor | undefined, params: NmsParams): Promise<GpuTensor> {
  const { K, iouThreshold, scoreThreshold } = validateNms(op, boxes, scores, params);
  const { gpu } = boxes;
  const words = Math.ceil(K / 32);
  const fields = {
    K,
    words,
    iou_threshold: iouThreshold,
    use_score_threshold: scoreThreshold > -Infinity ? 1 : 0,
    score_threshold: Math.max(scoreThreshold, -3.4e38),
  };
  return scope(async () => {
    const order = zeros(gpu, [K], 'i32');
    launch(gpu, rankKernel, { scores, order }, { count: K, ...fields });
    const mask = zeros(gpu, [K, words], 'i32');
    launch(gpu, idxs ? MASK_KERNELS.batched : MASK_KERNELS.plain, { boxes, order, ...(idxs ? { idxs } : {}), mask }, { count: K * words, ...fields });
    const [removed, kept, count] = [zeros(gpu, [words], 'i32'), zeros(gpu, [K], 'i32'), zeros(gpu, [1], 'i32')];
    launch(gpu, scanKernel, { scores, order, mask, removed, kept, count }, { count: 1, ...fields });
    const n = (await read(count)).data[0];
    const keep = zeros(gpu, [n], 'i32');
    if (n > 0) gpu.commandEncoder().copyBufferToBuffer(kept.buffer, 0, keep.buffer, 0, 4 * n);
    return keep;
  });
}

export async function nmsForward(boxes: GpuTensor, scores: GpuTensor, params: NmsParams = {}): Promise<{ keep: GpuTensor; cache: null }> {
  return { keep: await suppress('nms', boxes, scores, undefined, params), cache: null };
}
