import { hyper } from './hyperparams';
import { tensor, type Tensor } from './tensor';
import { requireRank, requireValues, type Shaped } from './validate';

const OP = 'positional_encoding';

/** Positions above this are not exact in float32 (and their angles lose all precision there). */
export const MAX_POSITION = 2 ** 24 - 1;

export interface PositionalEncodingParams {
  E?: number;
}

/**
 * The course notes list params T and E and no input. Here the positions are an input instead (docs/ops.md): positions (T),
 * integers ≥ 0 (usually 0 … T − 1), so T is their length and E the only param. An input keeps the op
 * a row like any other (the twin reads it on the device) and also encodes offset positions, e.g.
 * step t of a decoder. positions = [0 … T − 1] gives the notes' (T, E) table.
 */
export function validatePositionalEncoding(positions: Shaped, params: PositionalEncodingParams): { T: number; E: number } {
  requireRank(OP, 'positions', positions, 1);
  const E = hyper(OP, params, 'E', undefined, { min: 1, integer: true });
  requireValues(OP, 'positions', positions, { min: 0, max: MAX_POSITION, integer: true }, `integer positions in [0, ${MAX_POSITION}]`);
  return { T: positions.shape[0], E };
}

/**
 * out[t, 2i] = sin(p / 10000^(2i/E)),  out[t, 2i + 1] = cos(p / 10000^(2i/E)),  p = positions[t]
 * (for odd E the last column is a sine). A constant table: no backward.
 */
export function positionalEncodingForward(positions: Tensor, params: PositionalEncodingParams): { out: Tensor; cache: undefined } {
  const { T, E } = validatePositionalEncoding(positions, params);
  const out = tensor([T, E]);
  for (let t = 0; t < T; t++) {
    for (let c = 0; c < E; c++) {
      const even = c - (c % 2); // 2i
      const angle = positions.data[t] / Math.pow(10000, even / E);
      out.data[t * E + c] = c % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
    }
  }
  return { out, cache: undefined };
}
