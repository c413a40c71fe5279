import { requireOutputSize } from './conv2d';
import { InputError, requireFinite, requireNumber, requirePositiveSizes, requireRank, requireShape, type Shaped, shown } from './validate';

/**
 * What upsample_nearest and upsample_bilinear share: F.interpolate's sizes and coordinate steps.
 *
 *   given `size` [H', W']:  that size,         step = in / out                 per axis
 *   given `scale` s:        H' = ⌊H·s⌋, W' = ⌊W·s⌋,  step = 1 / s
 *   align_corners (bilinear): step = (in − 1) / (out − 1), 0 when out = 1 (the scale is unused)
 *
 * The step maps output to input coordinates (input pixels per output pixel); each op turns it into
 * source pixels (upsample_nearest.ts, upsample_bilinear.ts).
 */
export interface ResampleParams {
  scale?: unknown;
  size?: unknown;
}

/** One spatial axis: input and output lengths and the step between them. */
export interface Axis {
  inSize: number;
  outSize: number;
  step: number;
}

export interface ResampleGeometry {
  N: number;
  C: number;
  Ho: number;
  Wo: number;
  rows: Axis;
  cols: Axis;
}

/** The step of one axis, from its sizes and the `scale` param when one was given. */
export type StepRule = (inSize: number, outSize: number, scale: number | undefined) => number;

/** Output size [H', W'] from exactly one of `scale` and `size`; undefined scale when a size was given. */
function outputSize(op: string, H: number, W: number, params: ResampleParams): { Ho: number; Wo: number; scale?: number } {
  const { scale, size } = params;
  if ((scale === undefined) === (size === undefined)) {
    throw new InputError(op, 'scale/size', "exactly one of scale (a number) and size ([H', W'])", scale === undefined ? 'neither' : 'both');
  }
  if (size !== undefined) {
    const ok = Array.isArray(size) && size.length === 2 && size.every((v) => Number.isInteger(v) && v >= 1);
    if (!ok) throw new InputError(op, 'size', "[H', W'] of integers ≥ 1", shown(size));
    return { Ho: size[0], Wo: size[1] };
  }
  requireNumber(op, 'scale', scale, { above: 0, finite: true }, 'a finite number > 0');
  const [Ho, Wo] = [Math.floor(H * scale), Math.floor(W * scale)];
  requireOutputSize(op, Ho, Wo, "H' = ⌊H·scale⌋");
  return { Ho, Wo, scale };
}

/** x (N, C, H, W) non-empty and finite; the output size and each axis's step by `step`. */
export function validateResample(op: string, x: Shaped, params: ResampleParams, step: StepRule): ResampleGeometry {
  requireRank(op, 'x', x, 4);
  requirePositiveSizes(op, 'x', x);
  const [N, C, H, W] = x.shape;
  const { Ho, Wo, scale } = outputSize(op, H, W, params);
  requireFinite(op, 'x', x);
  return {
    N,
    C,
    Ho,
    Wo,
    rows: { inSize: H, outSize: Ho, step: step(H, Ho, scale) },
    cols: { inSize: W, outSize: Wo, step: step(W, Wo, scale) },
  };
}

/** in / out, or 1 / scale when a scale was given (align_corners false). */
export const pixelStep: StepRule = (inSize, outSize, scale) => (scale !== undefined ? 1 / scale : inSize / outSize);

export function requireResampledGrad(op: string, dout: Shaped, g: ResampleGeometry): void {
  requireShape(`${op}_backward`, 'dout', dout, [g.N, g.C, g.Ho, g.Wo], 'the forward output shape');
}
