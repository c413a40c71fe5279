import { readFileSync } from 'node:fs';
import { makeRng } from '../rng';
import { tensor, type Tensor } from '../tensor';
import { E2E_DIR } from './fixtures';
import { mnistImages, type SplitIndices } from './mnist';

/**
 * Digit strips for the captioning models: 2–4 MNIST digits side by side, captioned by their words
 * ("<START> three one four <END>", <NULL> after the end).
 *
 * Generator (fixtures/e2e/captioning_strips.json: seed, sizes, digit counts): strips of split s
 * (train, val, test) draw from the MNIST images of that split only (fixtures/e2e/mnist-split.json),
 * with makeRng(`digit-strips:<seed>:<s>`) (seedrandom): per strip the count K uniform in
 * [min_digits, max_digits], then K images uniform over the split's list (with replacement), and for
 * train strips only (augmentation) a shift (dy, dx) per digit, each uniform in [−train_shift,
 * train_shift] pixels of the 28×28 image (zeros shifted in), from its own stream
 * makeRng(`digit-strips:<seed>:train:shift`), so shifting leaves the draws of digits unchanged. Each
 * digit's cell is the central 20×20 window (rows and columns 4 … 23) of its shifted 28×28 image, at
 * full resolution (pixels in [0, 1], no centering): MNIST digits are size-normalized into a 20×20
 * box and centered in the 28×28 frame, so the window keeps the ink and drops the blank border (2×2
 * average pooling to 14×14 instead cost about 1.5 points of per-digit accuracy, ~5 of strip exact
 * match). The digits fill max_digits cells from the left; the cells after the last digit stay 0.
 *
 * Model input: the cells (N, P, 400), P = max_digits, cell p = the flattened 20×20 digit p. As an
 * image the strip is (N, 1, 20, 20·P). Captions (N, L), L = max_digits + 2, as word indices.
 */
export const WORDS = ['<NULL>', '<START>', '<END>', 'zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'] as const;
export const NULL = 0;
export const START = 1;

/** The (N, L) tokens greedy sampling starts from: <START> in column 0, <NULL> after. */
export const startTokens = (N: number, L: number): Tensor =>
  tensor(
    [N, L],
    Array.from({ length: N * L }, (_, i) => (i % L === 0 ? START : 0)),
  );
export const END = 2;
/** The word index of digit d. */
export const digitWord = (d: number): number => 3 + d;
export const CELL = 20;
export const CELL_SIZE = CELL * CELL;
/** The window's first row and column in the 28×28 image. */
const BORDER = (28 - CELL) / 2;

export interface StripSpec {
  seed: number;
  sizes: { train: number; val: number; test: number };
  min_digits: number;
  max_digits: number;
  /** Largest shift (28×28 pixels) of a train strip's digits; val and test digits are not shifted. */
  train_shift: number;
}

export interface StripFixture extends StripSpec {
  description: string;
}

export interface StripSet {
  /** (N, P, 400): cell p of strip n, flattened. */
  cells: Tensor;
  /** (N, L) word indices: <START>, the digits' words, <END>, <NULL>… */
  captions: Tensor;
  /** The digit labels of each strip, left to right. */
  digits: number[][];
}

export type StripSplits = Record<'train' | 'val' | 'test', StripSet>;

export const STRIPS_FILE_NAME = 'captioning_strips.json';

export const readStripFixture = (): StripFixture => JSON.parse(readFileSync(`${E2E_DIR}${STRIPS_FILE_NAME}`, 'utf8'));

/** The caption of a strip with these digits, padded with <NULL> to `length`. */
export function caption(digits: readonly number[], length: number): number[] {
  const words = [START, ...digits.map(digitWord), END];
  if (words.length > length) throw new Error(`caption: ${digits.length} digits need length ≥ ${words.length}, got ${length}`);
  return [...words, ...new Array<number>(length - words.length).fill(NULL)];
}

/** The words of a caption up to (without) <END>, e.g. "three one four". */
export function captionText(words: ArrayLike<number>): string {
  const out: string[] = [];
  for (let t = 0; t < words.length; t++) {
    const w = words[t];
    if (w === END) break;
    if (w !== START && w !== NULL) out.push(WORDS[w] ?? `?${w}`);
  }
  return out.join(' ');
}

/** Global MNIST image g shifted by (dy, dx) (zeros shifted in), its central CELL×CELL window written at cells[offset …]. */
function cropDigit(pixels: Float64Array, g: number, [dy, dx]: readonly number[], cells: Float64Array, offset: number): void {
  const base = g * 28 * 28;
  for (let r = 0; r < CELL; r++) {
    for (let c = 0; c < CELL; c++) {
      const [row, col] = [BORDER + r - dy, BORDER + c - dx];
      cells[offset + r * CELL + c] = row < 0 || row >= 28 || col < 0 || col >= 28 ? 0 : pixels[base + row * 28 + col];
    }
  }
}

function validateSpec(spec: StripSpec): void {
  const { min_digits: lo, max_digits: hi } = spec;
  if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < 1 || hi < lo) {
    throw new Error(`digit strips: min_digits and max_digits must be integers with 1 ≤ min_digits ≤ max_digits, got ${lo} and ${hi}`);
  }
  if (!Number.isInteger(spec.train_shift) || spec.train_shift < 0) throw new Error(`digit strips: train_shift must be an integer ≥ 0, got ${spec.train_shift}`);
}

/** `count` strips drawn from the MNIST images `pool` (global indices) with the split's seeded generator. */
export function generateStrips(spec: StripSpec, split: string, pool: readonly number[], count: number): StripSet {
  validateSpec(spec);
  if (pool.length === 0) throw new Error(`digit strips: split ${split} has no images to draw from`);
  const { pixels, labels } = mnistImages();
  const P = spec.max_digits;
  const L = P + 2;
  const rng = makeRng(`digit-strips:${spec.seed}:${split}`);
  const shifts = makeRng(`digit-strips:${spec.seed}:${split}:shift`);
  const cells = tensor([count, P, CELL_SIZE]);
  const captions = tensor([count, L]);
  const digits: number[][] = [];
  for (let n = 0; n < count; n++) {
    const K = spec.min_digits + Math.floor(rng() * (P - spec.min_digits + 1));
    const images = Array.from({ length: K }, () => pool[Math.floor(rng() * pool.length)]);
    const shift = split === 'train' ? spec.train_shift : 0;
    const draw = () => (shift === 0 ? 0 : Math.floor(shifts() * (2 * shift + 1)) - shift);
    images.forEach((g, k) => cropDigit(pixels, g, [draw(), draw()], cells.data, (n * P + k) * CELL_SIZE));
    digits.push(images.map((g) => labels[g]));
    captions.data.set(caption(digits[n], L), n * L);
  }
  return { cells, captions, digits };
}

/** The train, val and test strips of the spec (their sizes, or at most `limit` each). */
export function stripSplits(spec: StripSpec, mnist: SplitIndices, limit = Infinity): StripSplits {
  const make = (split: keyof StripSplits) => generateStrips(spec, split, mnist[split], Math.min(spec.sizes[split], limit));
  return { train: make('train'), val: make('val'), test: make('test') };
}

/** Strips as images (N, 1, 20, 20·P) for PNG grids. */
export function stripImages(cells: Tensor): Tensor {
  const [N, P] = cells.shape;
  const W = CELL * P;
  const out = tensor([N, 1, CELL, W]);
  for (let n = 0; n < N; n++) {
    for (let p = 0; p < P; p++) {
      for (let r = 0; r < CELL; r++) {
        for (let c = 0; c < CELL; c++) out.data[(n * CELL + r) * W + p * CELL + c] = cells.data[(n * P + p) * CELL_SIZE + r * CELL + c];
      }
    }
  }
  return out;
}
