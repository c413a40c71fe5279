import { requireGradShape } from '../reference/recurrent';
import { stackBackward, stackForward, validateStackedRnn, type BlockMove, type StackedLayout, type StackingBackend } from '../reference/stacked_rnn';
import { zeros, type GpuTensor } from './runtime/buffers';
import { gruBackward, gruForward } from './gru_forward';
import { kernel, launch } from './runtime/kernel';
import { lstmBackward, lstmForward } from './lstm_forward';
import { rnnBackward, rnnForward } from './rnn_forward';
import { scope } from './runtime/scope';

/**
 * Twin of reference/stacked_rnn (layout and formulas there): each direction of each layer runs the
 * rnn_forward / lstm_forward / gru_forward twin; the data movement between them (time reversal, the
 * directions' feature blocks, h0 entries and weight slots of the flat vectors) is one block-move
 * kernel, so nothing is read back and nothing is computed on the host.
 */
const blockKernel = (reverse: boolean, accumulate: boolean) =>
  kernel({
    name: 'stacked_rnn:block',
    inputs: { src: 'f32' },
    outputs: { dst: 'f32' },
    uniforms: { T: 'u32', width: 'u32', srcCols: 'u32', srcCol: 'u32', dstCols: 'u32', dstCol: 'u32' },
    body: `let c = i % u.width;
  let t = (i / u.width) % u.T;
  let n = i / (u.width * u.T);
  let ts = ${reverse ? 'u.T - 1u - t' : 't'};
  let at = (n * u.T + t) * u.dstCols + u.dstCol + c;
  let v = src[(n * u.T + ts) * u.srcCols + u.srcCol + c];
  dst[at] = ${accumulate ? 'dst[at] + v' : 'v'};`,
  });

/**
 * dst[n, t, dst.col + c] (+)= src[n, t', src.col + c] (BlockMove in reference/stacked_rnn).
 * Tiling: one invocation per moved element (grid1d), no shared memory: a memory-bound copy.
 */
function moveBlock(src: GpuTensor, dst: GpuTensor, m: BlockMove): void {
  launch(
    src.gpu,
    blockKernel(m.reverse ?? false, m.accumulate ?? false),
    { src, dst },
    { count: m.N * m.T * m.width, T: m.T, width: m.width, srcCols: m.src.cols, srcCol: m.src.col, dstCols: m.dst.cols, dstCol: m.dst.col },
  );
}

const TWIN: StackingBackend<GpuTensor> = {
  zeros: (like, shape) => zeros(like.gpu, shape),
  moveBlock,
  scope: (fn) => scope(fn),
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
