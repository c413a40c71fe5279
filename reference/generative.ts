import { formatShape } from './tensor';
import { InputError, requireFinite, requirePositiveSizes, requireRank, type Shaped } from './validate';

/**
 * Shared by docs/ops.md "Generative, style, self-supervised, misc": the numerically stable logistic
 * functions of the BCE-based losses and the input checks the section's losses repeat.
 */

/** log(1 + eˣ) = max(x, 0) + log1p(e^(−|x|)): finite for any finite x (no overflow of eˣ). */
export const softplus = (x: number): number => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));

/** σ(x) = 1 / (1 + e^(−x)), evaluated through e^(−|x|) so that it never overflows. */
export function sigmoid(x: number): number {
  const e = Math.exp(-Math.abs(x));
  return x >= 0 ? 1 / (1 + e) : e / (1 + e);
}

/** Non-empty finite tensors that all have the shape of the first. */
export function requireSameShapes(op: string, tensors: ReadonlyArray<readonly [string, Shaped]>): readonly number[] {
  const [[firstName, first]] = tensors;
  requirePositiveSizes(op, firstName, first);
  for (const [name, t] of tensors.slice(1)) {
    if (formatShape(t.shape) !== formatShape(first.shape)) {
      throw new InputError(op, name, `shape ${formatShape(first.shape)} (the shape of ${firstName})`, formatShape(t.shape));
    }
  }
  for (const [name, t] of tensors) requireFinite(op, name, t);
  return first.shape;
}

/** Non-empty finite score vectors (N) of one length (GAN / LSGAN losses). */
export function requireScoreVectors(op: string, tensors: ReadonlyArray<readonly [string, Shaped]>): number {
  requireRank(op, tensors[0][0], tensors[0][1], 1);
  return requireSameShapes(op, tensors)[0];
}
