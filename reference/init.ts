import { hyper } from './hyperparams';
import { numel, tensor, type Tensor } from './tensor';
import { InputError, requirePositiveSizes, requireRank, type Shaped } from './validate';

/**
 * Weight initializations of docs/ops.md "Optimizers, schedules, initialization". One family file ("one
 * op, one place" at the family level): xavier_uniform, xavier_normal, kaiming_normal.
 *
 * Each takes the tensor w to initialize — only its shape is read, as torch.nn.init.*_(w) fills a
 * given tensor — and returns `out`, a new tensor of that shape (w is not mutated). Not differentiated.
 *
 * Fans in the course layouts: an affine weight (D, M) has fan_in = D, fan_out = M (x·w); a
 * convolution weight (F, C, k…) has fan_in = C·Πk, fan_out = F·Πk (as PyTorch).
 *
 *   xavier_uniform   U(−a, a),  a = gain·√(6 / (fan_in + fan_out)),  gain = 1
 *   xavier_normal    N(0, σ²),  σ = gain·√(2 / (fan_in + fan_out)),  gain = 1
 *   kaiming_normal   N(0, σ²),  σ = gain / √fan,  fan = fan_in (mode "fan_in") or fan_out,  gain = √2 (ReLU)
 *
 * Randomness is counter-based so that the twin draws the very same numbers: element i uses the
 * 32-bit PCG hash (Jarzynski & Olano 2020) of (seed, counter), turned into uniforms with 24 bits
 *   bits(seed, c) = pcg(c ⊕ pcg(seed)),   uniform(c) = (bits ≫ 8)·2⁻²⁴ ∈ [0, 1)
 * xavier_uniform uses counter i; the normals use Box–Muller on counters 2i and 2i + 1:
 *   u₁ = ((bits(2i) ≫ 8) + 1)·2⁻²⁴ ∈ (0, 1],  u₂ = uniform(2i + 1),  z = √(−2 ln u₁)·cos(π·(2u₂ − 1))
 */
export interface XavierParams {
  seed?: number;
  gain?: number;
}
export interface KaimingParams {
  seed?: number;
  gain?: number;
  mode?: 'fan_in' | 'fan_out';
}

/** One round of the PCG hash on a u32 (all arithmetic mod 2³²). */
export function pcgHash(v: number): number {
  const state = (Math.imul(v, 747796405) + 2891336453) >>> 0;
  const word = Math.imul(((state >>> ((state >>> 28) + 4)) ^ state) >>> 0, 277803737) >>> 0;
  return ((word >>> 22) ^ word) >>> 0;
}

export const randomBits = (seed: number, counter: number): number => pcgHash((counter ^ pcgHash(seed)) >>> 0);

const UNIT = 2 ** -24;

export const uniformAt = (seed: number, counter: number): number => (randomBits(seed, counter) >>> 8) * UNIT;

/** Standard normal number i of `seed` (Box–Muller). */
export function normalAt(seed: number, i: number): number {
  const u1 = ((randomBits(seed, (2 * i) >>> 0) >>> 8) + 1) * UNIT;
  const u2 = uniformAt(seed, (2 * i + 1) >>> 0);
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(Math.PI * (2 * u2 - 1));
}

/** fan_in and fan_out of a weight shape (rank ≥ 2) in the course layouts (see the header). */
export function fans(shape: readonly number[]): { fan_in: number; fan_out: number } {
  if (shape.length === 2) return { fan_in: shape[0], fan_out: shape[1] };
  const receptive = numel(shape.slice(2));
  return { fan_in: shape[1] * receptive, fan_out: shape[0] * receptive };
}

const seedParam = (op: string, params: object) => hyper(op, params, 'seed', 0, { min: 0, max: 2 ** 32 - 1, integer: true });

function validateWeight(op: string, w: Shaped): { fan_in: number; fan_out: number } {
  requireRank(op, 'w', w, { min: 2 });
  requirePositiveSizes(op, 'w', w);
  return fans(w.shape);
}

export function validateXavier(op: 'xavier_uniform' | 'xavier_normal', w: Shaped, params: XavierParams = {}) {
  return { ...validateWeight(op, w), seed: seedParam(op, params), gain: hyper(op, params, 'gain', 1, { above: 0 }) };
}

export function validateKaiming(w: Shaped, params: KaimingParams = {}) {
  const op = 'kaiming_normal';
  const mode = params.mode ?? 'fan_in';
  if (mode !== 'fan_in' && mode !== 'fan_out') throw new InputError(op, 'mode', '"fan_in" or "fan_out"', JSON.stringify(mode));
  const { fan_in, fan_out } = validateWeight(op, w);
  return { fan: mode === 'fan_in' ? fan_in : fan_out, seed: seedParam(op, params), gain: hyper(op, params, 'gain', Math.SQRT2, { above: 0 }) };
}

/** out[i] = value(i) over w's shape. */
function fill(w: Tensor, value: (i: number) => number): { out: Tensor } {
  const out = tensor(w.shape);
  for (let i = 0; i < out.data.length; i++) out.data[i] = value(i);
  return { out };
}

/** out[i] = a·(2u − 1), a = gain·√(6/(fan_in + fan_out)), u = (bits(seed, i) ≫ 8)·2⁻²⁴ (uniformAt; pcgHash) */
export function xavierUniformForward(w: Tensor, params: XavierParams = {}): { out: Tensor } {
  const { fan_in, fan_out, seed, gain } = validateXavier('xavier_uniform', w, params);
  const limit = gain * Math.sqrt(6 / (fan_in + fan_out));
  return fill(w, (i) => limit * (2 * uniformAt(seed, i) - 1));
}

/** out[i] = gain·√(2/(fan_in + fan_out))·z_i, z_i the Box–Muller normal of counters 2i, 2i + 1 (normalAt) */
export function xavierNormalForward(w: Tensor, params: XavierParams = {}): { out: Tensor } {
  const { fan_in, fan_out, seed, gain } = validateXavier('xavier_normal', w, params);
  const std = gain * Math.sqrt(2 / (fan_in + fan_out));
  return fill(w, (i) => std * normalAt(seed, i));
}

/** out[i] = gain/√fan·z_i, fan = fan_in (mode "fan_in") or fan_out, gain = √2, z_i as normalAt */
export function kaimingNormalForward(w: Tensor, params: KaimingParams = {}): { out: Tensor } {
  const { fan, seed, gain } = validateKaiming(w, params);
  const std = gain / Math.sqrt(fan);
  return fill(w, (i) => std * normalAt(seed, i));
}
