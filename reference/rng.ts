import seedrandom from 'seedrandom';
import { numel, tensor, type Tensor } from './tensor';

/** Every random number of the project comes from a seeded generator made here. */
export type Rng = () => number;

export function makeRng(seed: number | string): Rng {
  return seedrandom(String(seed));
}

/** Standard normal sample (Box–Muller). */
export function randn(rng: Rng): number {
  const u = 1 - rng();
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

export function randnTensor(shape: readonly number[], rng: Rng, scale = 1): Tensor {
  const t = tensor(shape);
  for (let i = 0; i < t.data.length; i++) t.data[i] = scale * randn(rng);
  return t;
}

export function uniformTensor(shape: readonly number[], rng: Rng, lo: number, hi: number): Tensor {
  const t = tensor(shape);
  for (let i = 0; i < t.data.length; i++) t.data[i] = lo + (hi - lo) * rng();
  return t;
}

/** Integers drawn uniformly from [0, high). */
export function randintTensor(shape: readonly number[], rng: Rng, high: number): Tensor {
  return tensor(
    shape,
    Array.from({ length: numel(shape) }, () => Math.floor(rng() * high)),
  );
}
