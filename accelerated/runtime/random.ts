import { COS_PI_WGSL } from './cos_pi';

/**
 * WGSL twins of the counter-based random numbers of reference/init.ts, in u32 arithmetic (which
 * wraps mod 2³² in WGSL as Math.imul/>>> 0 do in JavaScript), so a kernel draws the very numbers
 * the reference draws:
 *   bits(seed, c) = pcg(c ⊕ pcg(seed)),  uniform_at = (bits ≫ 8)·2⁻²⁴,  normal_at = Box–Muller.
 * ln_unit keeps Box–Muller's radius √(−2 ln u₁) accurate for u₁ near 1, where WGSL's log only
 * promises an absolute error of 2⁻²¹ (a radius error of up to ~1e-3 as u₁ → 1): on [0.5, 1] it
 * sums ln x = 2·atanh(s), s = (x − 1)/(x + 1) ∈ [−1/3, 0] (x − 1 is exact there), to 8 terms
 * (truncation < 2e-9 relative); below 0.5 WGSL's log is accurate to 3 ULP. The angle uses cos_pi
 * (accelerated/runtime/cos_pi.ts) rather than WGSL's coarse cos.
 */
export const RANDOM_WGSL = `${COS_PI_WGSL}
fn pcg(v: u32) -> u32 {
  let state = v * 747796405u + 2891336453u;
  let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
  return (word >> 22u) ^ word;
}
fn random_bits(seed: u32, counter: u32) -> u32 { return pcg(counter ^ pcg(seed)); }
const UNIT = 5.9604644775390625e-8; // 2^-24
fn uniform_at(seed: u32, counter: u32) -> f32 { return f32(random_bits(seed, counter) >> 8u) * UNIT; }
fn ln_unit(x: f32) -> f32 {
  if (x < 0.5) { return log(x); }
  let s = (x - 1.0) / (x + 1.0);
  let s2 = s * s;
  var series = 1.0 / 15.0;
  for (var k = 6; k >= 0; k--) { series = series * s2 + 1.0 / f32(2 * k + 1); }
  return 2.0 * s * series;
}
fn normal_at(seed: u32, i: u32) -> f32 {
  let u1 = f32((random_bits(seed, 2u * i) >> 8u) + 1u) * UNIT;
  let u2 = uniform_at(seed, 2u * i + 1u);
  return sqrt(-2.0 * ln_unit(u1)) * cos_pi(2.0 * u2 - 1.0);
}`;
