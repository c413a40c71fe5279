import fc from 'fast-check';
import type { Rng } from '../reference/rng';
import { tensor, type Tensor } from '../reference/tensor';

/**
 * Masks of the attention rows (spec/scaled_dot_product_attention.ts, spec/multi_head_attention.ts):
 * "none" leaves the mask input out (it is optional), "random" masks about a third of the keys
 * (1 = masked out) and then reopens one key in any row left fully masked, so that every drawn
 * sample is valid.
 */
export type MaskKind = 'none' | 'random';

export const maskKind: fc.Arbitrary<MaskKind> = fc.constantFrom('none', 'random');

/** A random (N, Tq, Tk) mask with at least one open key per query row; `causal` hides key j > i too. */
export function randomMask(N: number, Tq: number, Tk: number, rng: Rng, causal = false): Tensor {
  const mask = tensor(
    [N, Tq, Tk],
    Array.from({ length: N * Tq * Tk }, () => (rng() < 0.35 ? 1 : 0)),
  );
  for (let r = 0; r < N * Tq; r++) {
    const visible = causal ? Math.min((r % Tq) + 1, Tk) : Tk; // keys 0 … visible − 1 pass the causal rule
    let open = false;
    for (let j = 0; j < visible; j++) open ||= mask.data[r * Tk + j] === 0;
    if (!open) mask.data[r * Tk + Math.floor(rng() * visible)] = 0;
  }
  return mask;
}

/** The mask input of a sample, under the row's name for it: absent, or random. */
export const maskInput = (kind: MaskKind, N: number, Tq: number, Tk: number, rng: Rng, causal = false, name = 'mask'): Record<string, Tensor> =>
  kind === 'none' ? {} : { [name]: randomMask(N, Tq, Tk, rng, causal) };
