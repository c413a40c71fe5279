import { requireGradShape } from '../reference/recurrent';
import { stackBackward, stackForward, validateStackedRnn, type BlockMove, type StackedLayout, type StackingBackend } from '../reference/stacked_rnn';
import { empty, release, type GpuTensor } from './buffers';
import { gruBackward, gruForward } from './gru_forward';
import { grid1d, launch, MAIN_1D, type Kernel } from './launch';
import { lstmBackward, lstmForward } from './lstm_forward';
import { rnnBackward, rnnForward } from './rnn_forward';

/**
 * Twin of reference/stacked_rnn (layout and formulas there): each direction of each layer runs the
 * rnn_forward / lstm_forward / gru_forward twin; the data movement between them (time reversal, the
 * directions' feature blocks, h0 entries and weight slots of the flat vectors) is one block-move
 * kernel, so nothing is read back and nothing is computed on the host.
 */
const blockKernel = (reverse: boolean, accumulate: boolean): Kernel => ({
  key: `stacked_rnn:block:${reverse}:${accumulate}`,
  source: () => `
@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
struct Block { N: u32, T: u32, width: u32, srcCols: u32, srcCol: u32, dstCols: u32, dstCol: u32 }
@group(0) @binding(2) var<uniform> blk: Block;
${MAIN_1D}
  if (i >= blk.N * blk.T * blk.width) { return; }
  let c = i % blk.width;
  let t = (i / blk.width) % blk.T;
  let n = i / (blk.width * blk.T);
  let ts = ${reverse ? 'blk.T - 1u - t' : 't'};
  let at = (n * blk.T + t) * blk.dstCols + blk.dstCol + c;
  let v = src[(n * blk.T + ts) * blk.srcCols + blk.srcCol + c];
  dst[at] = ${accumulate ? 'dst[at] + v' : 'v'};
}`,
});

/**
 * dst[n, t, dst.col + c] (+)= src[n, t', src.col + c] (BlockMove in reference/stacked_rnn).
 * Tiling: one invocation per moved element (grid1d), no shared memory: a memory-bound copy.
 */
function moveBlock(src: GpuTensor, dst: GpuTensor, m: BlockMove): void {
  const fields = [m.N, m.T, m.width, m.src.cols, m.src.col, m.dst.cols, m.dst.col].map((v) => ['u32', v] as const);
  launch(src.gpu, blockKernel(m.reverse ?? false, m.accumulate ?? false), [src.buffer, dst.buffer], fields, grid1d(m.N * m.T * m.width));
}

const TWIN: StackingBackend<GpuTensor> = {
  zeros: (like, shape) => empty(like.gpu, shape),
  moveBlock,
  release: (...ts) => release(...ts),
  cells: {
    rnn: { forward: rnnForward, backward: rnnBackward },
    lstm: { forward: lstmForward, backward: lstmBackward },
    gru: { forward: gruForward, backward: gruBackward },
  },
};

export interface StackedRnnTwinCache {
  layout: StackedLayout;
  caches: unknown[][];
}

/** The stacking of reference/stacked_rnn on the twins' tensors. */
export function stackedRnnForward(x: GpuTensor, h0: GpuTensor, weights: GpuTensor, params: object = {}) {
  const layout = validateStackedRnn(x, h0, weights, params);
  const { h, caches } = stackForward(TWIN, layout, x, h0, weights);
  return { h, cache: { layout, caches } as StackedRnnTwinCache };
}

export function stackedRnnBackward(dh: GpuTensor, cache: StackedRnnTwinCache) {
  const { N, T, H, dirs } = cache.layout;
  requireGradShape('stacked_rnn', 'dh', dh, [N, T, dirs * H]);
  return stackBackward(TWIN, cache.layout, cache.caches, dh);
}
