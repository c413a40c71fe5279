import { choice, flag } from './choices';
import { gruBackward, gruForward } from './gru_forward';
import { hyper } from './hyperparams';
import { lstmBackward, lstmForward } from './lstm_forward';
import { requireGradShape } from './recurrent';
import { rnnBackward, rnnForward } from './rnn_forward';
import { scopedLoop, type ScopeHook } from './scoped_loop';
import { tensor, type Tensor } from './tensor';
import { requireFinite, requirePositiveSizes, requireRank, requireShape, type Shaped } from './validate';

/**
 * Multi-layer and bidirectional wrappers over rnn_forward, lstm_forward and gru_forward, laid out as
 * nn.RNN / nn.LSTM / nn.GRU (batch_first) lay them out:
 *   params: cell ('rnn' | 'lstm' | 'gru'), num_layers (≥ 1, default 1), bidirectional (default false)
 *   x (N, T, D); h0 (num_layers·dirs, N, H), entry l·dirs + d for layer l, direction d (0 forward,
 *   1 reverse); LSTMs start from c0 = 0 as lstm_forward does.
 *   weights: one flat vector, per layer l and direction (forward, then reverse) the cell op's own
 *   weights flattened row-major in its input order, with D_0 = D and D_l = dirs·H for l ≥ 1:
 *     rnn  Wx (D_l, H), Wh (H, H), b (H)
 *     lstm Wx (D_l, 4H), Wh (H, 4H), b (4H)                          (gate blocks i, f, o, g)
 *     gru  weight_ih (3H, D_l), weight_hh (3H, H), bias_ih (3H), bias_hh (3H)  (blocks r, z, n)
 *   For gru this is torch.nn.utils.parameters_to_vector(nn.GRU(D, H, num_layers, bidirectional=…)
 *   .parameters()); rnn and lstm keep their ops' (D, G) layout with one bias.
 *   h (N, T, dirs·H): the last layer's states; the reverse direction runs over x[:, T−1 … 0] and its
 *   state after reading x[:, t] sits at h[:, t, H:2H], after the forward direction's h[:, t, 0:H].
 *   Layer l > 0 reads layer l−1's h.
 */
export type CellName = 'rnn' | 'lstm' | 'gru';
export const CELLS: readonly CellName[] = ['rnn', 'lstm', 'gru'];

export interface WeightSlot {
  readonly name: string;
  readonly shape: readonly number[];
  /** Where the tensor starts in the flat weights. */
  readonly offset: number;
}

/** One direction of one layer: what it reads and where its h0 and weights are. */
export interface DirectionLayout {
  readonly layer: number;
  readonly reverse: boolean;
  /** Its entry in h0 (and dh0): layer·dirs + direction. */
  readonly state: number;
  readonly inputSize: number;
  readonly weights: readonly WeightSlot[];
}

export interface StackedLayout {
  cell: CellName;
  N: number;
  T: number;
  D: number;
  H: number;
  dirs: number;
  layers: DirectionLayout[][];
  /** Length of the flat weights. */
  size: number;
}

const WEIGHT_SHAPES: Record<CellName, (Din: number, H: number) => Array<[string, number[]]>> = {
  rnn: (Din, H) => [
    ['Wx', [Din, H]],
    ['Wh', [H, H]],
    ['b', [H]],
  ],
  lstm: (Din, H) => [
    ['Wx', [Din, 4 * H]],
    ['Wh', [H, 4 * H]],
    ['b', [4 * H]],
  ],
  gru: (Din, H) => [
    ['weight_ih', [3 * H, Din]],
    ['weight_hh', [3 * H, H]],
    ['bias_ih', [3 * H]],
    ['bias_hh', [3 * H]],
  ],
};

const numel = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

export function stackedLayout(cell: CellName, num_layers: number, dirs: number, N: number, T: number, D: number, H: number): StackedLayout {
  let size = 0;
  const layers = Array.from({ length: num_layers }, (_, layer) =>
    Array.from({ length: dirs }, (_, d): DirectionLayout => {
      const inputSize = layer === 0 ? D : dirs * H;
      const weights = WEIGHT_SHAPES[cell](inputSize, H).map(([name, shape]) => {
        const slot = { name, shape, offset: size };
        size += numel(shape);
        return slot;
      });
      return { layer, reverse: d === 1, state: layer * dirs + d, inputSize, weights };
    }),
  );
  return { cell, N, T, D, H, dirs, layers, size };
}

const OP = 'stacked_rnn';

/** x (N, T, D), h0 (num_layers·dirs, N, H), weights (the packed length), the three params. */
export function validateStackedRnn(x: Shaped, h0: Shaped, weights: Shaped, params: object = {}): StackedLayout {
  const cell = choice(OP, params, 'cell', CELLS);
  const num_layers = hyper(OP, params, 'num_layers', 1, { min: 1, integer: true });
  const dirs = flag(OP, params, 'bidirectional', false) ? 2 : 1;
  requireRank(OP, 'x', x, 3);
  const [N, T, D] = x.shape;
  requirePositiveSizes(OP, 'x', x);
  requireRank(OP, 'h0', h0, 3);
  requireShape(OP, 'h0', h0, [num_layers * dirs, N, 'H'], `num_layers·directions = ${num_layers * dirs}, N = ${N} from x`);
  requirePositiveSizes(OP, 'h0', h0);
  const layout = stackedLayout(cell, num_layers, dirs, N, T, D, h0.shape[2]);
  requireShape(OP, 'weights', weights, [layout.size], `${cell} weights of ${num_layers} layer(s) × ${dirs} direction(s), D = ${D}, H = ${layout.H}`);
  for (const [name, t] of [
    ['x', x],
    ['h0', h0],
    ['weights', weights],
  ] as const)
    requireFinite(OP, name, t);
  return layout;
}

/**
 * Moves a block of a batch-first sequence: dst[n, t, dstCol + c] (+)= src[n, t', srcCol + c] for
 * c < width, t' = T−1−t when reversed. (N, T) = (1, 1) with columns as offsets moves a flat range.
 */
export interface BlockMove {
  N: number;
  T: number;
  width: number;
  src: { cols: number; col: number };
  dst: { cols: number; col: number };
  reverse?: boolean;
  accumulate?: boolean;
}

export function moveBlock(src: Tensor, dst: Tensor, { N, T, width, src: s, dst: d, reverse = false, accumulate = false }: BlockMove): void {
  for (let n = 0; n < N; n++) {
    for (let t = 0; t < T; t++) {
      const from = (n * T + (reverse ? T - 1 - t : t)) * s.cols + s.col;
      const to = (n * T + t) * d.cols + d.col;
      for (let c = 0; c < width; c++) dst.data[to + c] = (accumulate ? dst.data[to + c] : 0) + src.data[from + c];
    }
  }
}

/** The flat range [offset, offset + numel(shape)) of `flat` as a tensor of `shape` (or back into it). */
export const rangeMove = (offset: number, length: number, into = false): BlockMove => ({
  N: 1,
  T: 1,
  width: length,
  src: { cols: 0, col: into ? 0 : offset },
  dst: { cols: 0, col: into ? offset : 0 },
});

/** Features [col, col + width) of a (N, T, F) sequence, time-reversed or not (or back into it, accumulated). */
export const featureMove = ({ N, T }: StackedLayout, F: number, col: number, width: number, reverse: boolean, into = false): BlockMove => ({
  N,
  T,
  width,
  src: into ? { cols: width, col: 0 } : { cols: F, col },
  dst: into ? { cols: F, col } : { cols: width, col: 0 },
  reverse,
  accumulate: into,
});

/** One cell op (rnn_forward, lstm_forward or gru_forward) on one backend's tensors. */
export interface CellFunctions<Tn> {
  forward(x: Tn, h0: Tn, ...weights: Tn[]): { h: Tn; cache: unknown };
  /** dx, dh0 and `d` + each weight's name */
  backward(dh: Tn, cache: never): { dx: Tn; dh0: Tn };
}

/**
 * What the stacking needs of a backend (the reference here, the twin in accelerated/stacked_rnn.ts):
 * zeroed tensors on the device of `like`, block moves, the cell ops and the scope each layer and
 * direction runs in.
 */
export interface StackingBackend<Tn> extends ScopeHook {
  zeros(like: Tn, shape: readonly number[]): Tn;
  moveBlock(src: Tn, dst: Tn, move: BlockMove): void;
  cells: Record<CellName, CellFunctions<Tn>>;
}

function take<Tn>(backend: StackingBackend<Tn>, src: Tn, shape: readonly number[], move: BlockMove): Tn {
  const out = backend.zeros(src, shape);
  backend.moveBlock(src, out, move);
  return out;
}

/**
 * Each layer's directions in turn, each on its feature block of the layer input (time-reversed for the
 * reverse direction); a layer's scope frees its input (the output of the layer below) once read.
 */
export function stackForward<Tn>(backend: StackingBackend<Tn>, layout: StackedLayout, x: Tn, h0: Tn, weights: Tn): { h: Tn; caches: unknown[][] } {
  const { N, T, H, dirs } = layout;
  const cell = backend.cells[layout.cell];
  const first = { input: x, caches: [] as unknown[][] };
  const last = scopedLoop(backend, first, layout.layers.length, ({ input, caches }, l) => {
    const out = backend.zeros(x, [N, T, dirs * H]);
    const layerCaches = layout.layers[l].map((dir, d) => {
      const seq = take(backend, input, [N, T, dir.inputSize], featureMove(layout, dir.inputSize, 0, dir.inputSize, dir.reverse));
      const start = take(backend, h0, [N, H], rangeMove(dir.state * N * H, N * H));
      const ws = dir.weights.map((slot) => take(backend, weights, slot.shape, rangeMove(slot.offset, numel(slot.shape))));
      const { h, cache } = cell.forward(seq, start, ...ws);
      backend.moveBlock(h, out, featureMove(layout, dirs * H, d * H, H, dir.reverse, true));
      return cache;
    });
    return { input: out, caches: [...caches, layerCaches] };
  });
  return { h: last.input, caches: last.caches };
}

/** stackedRnnBackward's rule (stated there) on `backend`'s tensors. */
export function stackBackward<Tn>(backend: StackingBackend<Tn>, layout: StackedLayout, caches: unknown[][], dh: Tn): { dx: Tn; dh0: Tn; dweights: Tn } {
  const { N, T, H, dirs } = layout;
  const cell = backend.cells[layout.cell];
  const dh0 = backend.zeros(dh, [layout.layers.length * dirs, N, H]);
  const dweights = backend.zeros(dh, [layout.size]);
  const top = layout.layers.length - 1;
  // Step i is layer top − i; its scope frees the upstream gradient (the dinput of the layer above) once read.
  const dx = scopedLoop(backend, dh, layout.layers.length, (upstream, i) => {
    const l = top - i;
    const inputSize = layout.layers[l][0].inputSize;
    const dinput = backend.zeros(dh, [N, T, inputSize]); // zeroed: the directions accumulate into it
    layout.layers[l].forEach((dir, d) =>
      backend.scope(() => {
        const dhDir = take(backend, upstream, [N, T, H], featureMove(layout, dirs * H, d * H, H, dir.reverse));
        const grads = cell.backward(dhDir, caches[l][d] as never) as Record<string, Tn>;
        backend.moveBlock(grads.dx, dinput, featureMove(layout, inputSize, 0, inputSize, dir.reverse, true));
        backend.moveBlock(grads.dh0, dh0, rangeMove(dir.state * N * H, N * H, true));
        for (const slot of dir.weights) backend.moveBlock(grads[`d${slot.name}`], dweights, rangeMove(slot.offset, numel(slot.shape), true));
      }),
    );
    return dinput;
  });
  return { dx, dh0, dweights };
}

const REFERENCE: StackingBackend<Tensor> = {
  zeros: (_like, shape) => tensor(shape),
  scope: (fn) => fn(),
  moveBlock,
  cells: {
    rnn: { forward: rnnForward, backward: rnnBackward },
    lstm: { forward: lstmForward, backward: lstmBackward },
    gru: { forward: gruForward, backward: gruBackward },
  },
};

export interface StackedRnnCache {
  layout: StackedLayout;
  /** per layer, per direction */
  caches: unknown[][];
}

export function stackedRnnForward(x: Tensor, h0: Tensor, weights: Tensor, params: object = {}): { h: Tensor; cache: StackedRnnCache } {
  const layout = validateStackedRnn(x, h0, weights, params);
  const { h, caches } = stackForward(REFERENCE, layout, x, h0, weights);
  return { h, cache: { layout, caches } };
}

/**
 * Layer by layer from the last: each direction takes its feature block of the upstream gradient
 * (time-reversed for the reverse direction), runs its op's BPTT, and adds its dx (reversed back) into
 * the gradient of the layer's input; dh0 and the weight gradients go to the direction's slots.
 */
export function stackedRnnBackward(dh: Tensor, cache: StackedRnnCache): { dx: Tensor; dh0: Tensor; dweights: Tensor } {
  const { layout, caches } = cache;
  const { N, T, H, dirs } = layout;
  requireGradShape(OP, 'dh', dh, [N, T, dirs * H]);
  return stackBackward(REFERENCE, layout, caches, dh);
}
