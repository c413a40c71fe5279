import fc from 'fast-check';
import { makeRng, type Rng } from '../../reference/rng';
import { formatShape, type Tensor, type Tensors } from '../../reference/tensor';
import type { Params, Sample } from './op';

/**
 * fast-check arbitraries. Shapes and parameters are drawn (and shrunk) by fast-check; tensor values
 * come from a seeded generator fed by a drawn seed, so a shrunk case keeps meaningful values and a
 * case is fully described by its shapes, params and seed.
 */
export const dim = (min: number, max: number): fc.Arbitrary<number> => fc.integer({ min, max });

export const valueSeed = (): fc.Arbitrary<number> => fc.integer({ min: 0, max: 0x7fffffff });

/** A sample, printed by fast-check as its shapes and params rather than its values. */
export function makeSample(inputs: Tensors, params: Params = {}, seed?: number): Sample {
  return {
    inputs,
    params,
    [fc.toStringMethod]: () => {
      const shapes = Object.entries(inputs)
        .map(([k, t]) => `${k}: ${formatShape(t.shape)}`)
        .join(', ');
      const extra = [Object.keys(params).length ? `params ${JSON.stringify(params)}` : '', seed !== undefined ? `value seed ${seed}` : '']
        .filter(Boolean)
        .join(', ');
      return `{ ${shapes}${extra ? `; ${extra}` : ''} }`;
    },
  } as Sample;
}

/**
 * Samples from drawn sizes/params `spec` plus a value seed: `build(drawn, rng)` makes the tensors.
 */
export function samples<T>(spec: fc.Arbitrary<T>, build: (drawn: T, rng: Rng) => { inputs: Tensors; params?: Params }): fc.Arbitrary<Sample> {
  return fc.tuple(spec, valueSeed()).map(([drawn, seed]) => {
    const { inputs, params } = build(drawn, makeRng(seed));
    return makeSample(inputs, params ?? {}, seed);
  });
}

/**
 * Adds ±`offset` to every row of x's last axis (alternating sign), rounded to float32 so the twin
 * sees the very values the reference does: scores of ±1000, where exp overflows unless the row's
 * maximum is subtracted first (the stability trick the course warns about).
 */
export function offsetRows(x: Tensor, offset: number): void {
  const C = x.shape[x.shape.length - 1];
  for (let i = 0; i < x.data.length; i++) x.data[i] = Math.fround(x.data[i] + (Math.floor(i / C) % 2 ? -offset : offset));
}

/** Moves values within `margin` of a kink at `at` out to distance `margin`, so finite differences are smooth. */
export function awayFrom(values: Float64Array, at: number, margin: number): void {
  for (let i = 0; i < values.length; i++) {
    const d = values[i] - at;
    if (Math.abs(d) < margin) values[i] = at + (d < 0 ? -margin : margin);
  }
}
