import {
  featureMove,
  rangeMove,
  validateStackedRnn,
  type BlockMove,
  type CellName,
  type StackedLayout,
} from '../reference/stacked_rnn';
import { numel } from '../reference/tensor';
import { empty, type GpuTensor } from './buffers';
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

function take(src: GpuTensor, shape: readonly number[], move: BlockMove): GpuTensor {
  const out = empty(src.gpu, shape);
  moveBlock(src, out, move);
  return out;
}

interface CellFunctions {
  forward(x: GpuTensor, h0: GpuTensor, ...weights: GpuTensor[]): { h: GpuTensor; cache: unknown };
  /** dx, dh0 and `d` + each weight's name */
  backward(dh: GpuTensor, cache: never): { dx: GpuTensor; dh0: GpuTensor };
}

const CELL_FUNCTIONS: Record<CellName, CellFunctions> = {
  rnn: { forward: rnnForward, backward: rnnBackward },
  lstm: { forward: lstmForward, backward: lstmBackward },
  gru: { forward: gruForward, backward: gruBackward },
};

export interface StackedRnnTwinCache {
  layout: StackedLayout;
  caches: unknown[][];
}

export function stackedRnnForward(x: GpuTensor, h0: GpuTensor, weights: GpuTensor, params: object = {}) {
  const layout = validateStackedRnn(x, h0, weights, params);
  const { N, T, H, dirs } = layout;
  const cell = CELL_FUNCTIONS[layout.cell];
  const caches: unknown[][] = [];
  let input = x;
  for (const directions of layout.layers) {
    const out = empty(x.gpu, [N, T, dirs * H]);
    caches.push(
      directions.map((dir, d) => {
        const seq = take(input, [N, T, dir.inputSize], featureMove(layout, dir.inputSize, 0, dir.inputSize, dir.reverse));
        const start = take(h0, [N, H], rangeMove(dir.state * N * H, N * H));
        const ws = dir.weights.map((slot) => take(weights, slot.shape, rangeMove(slot.offset, numel(slot.shape))));
        const { h, cache } = cell.forward(seq, start, ...ws);
        moveBlock(h, out, featureMove(layout, dirs * H, d * H, H, dir.reverse, true));
        return cache;
      }),
    );
    input = out;
  }
  return { h: input, cache: { layout, caches } as StackedRnnTwinCache };
}

export function stackedRnnBackward(dh: GpuTensor, cache: StackedRnnTwinCache) {
  const { layout, caches } = cache;
  const { N, T, H, dirs } = layout;
  const cell = CELL_FUNCTIONS[layout.cell];
  const dh0 = empty(dh.gpu, [layout.layers.length * dirs, N, H]);
  const dweights = empty(dh.gpu, [layout.size]);
  let upstream = dh;
  for (let l = layout.layers.length - 1; l >= 0; l--) {
    const inputSize = layout.layers[l][0].inputSize;
    const dinput = empty(dh.gpu, [N, T, inputSize]); // zeroed: the directions accumulate into it
    layout.layers[l].forEach((dir, d) => {
      const grads = cell.backward(take(upstream, [N, T, H], featureMove(layout, dirs * H, d * H, H, dir.reverse)), caches[l][d] as never);
      moveBlock(grads.dx, dinput, featureMove(layout, inputSize, 0, inputSize, dir.reverse, true));
      moveBlock(grads.dh0, dh0, rangeMove(dir.state * N * H, N * H, true));
      for (const slot of dir.weights) moveBlock((grads as Record<string, GpuTensor>)[`d${slot.name}`], dweights, rangeMove(slot.offset, numel(slot.shape), true));
    });
    upstream = dinput;
  }
  return { dx: upstream, dh0, dweights };
}
