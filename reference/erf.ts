/**
 * The complementary error function in float64, accurate to a few ulp (checked against libm's erfc
 * over [−10, 10]); JavaScript has no Math.erf. Used by the exact GELU, x·Φ(x) with Φ(x) = ½·erfc(−x/√2).
 *
 *   erf(x) = (2/√π)·e^(−x²)·Σₙ (2x²)ⁿ·x / (1·3·…·(2n+1))   (all terms positive: no cancellation), for erfc(x) = 1 − erf(x) at |x| < 1
 *   erfc(x) = (e^(−x²)/√π) / (x + ½/(x + 1/(x + (3/2)/(x + 2/(x + …)))))   (continued fraction, modified Lentz), for x ≥ 1
 * and erfc(−x) = 2 − erfc(x).
 */
/** Below this, the series; above, the continued fraction (≤ 190 terms from 1 on; slow near 0). */
const ERFC_SERIES_LIMIT = 1;
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/** erf(x) for small |x|: the positive-term series. */
function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
  }
  return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
}

/** erfc(x) for x ≥ ERFC_SERIES_LIMIT: the continued fraction, evaluated by the modified Lentz method. */
function erfcFraction(x: number): number {
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 250; n++) {
    const a = n / 2;
    d = x + a * d;
    d = 1 / (Math.abs(d) < tiny ? tiny : d);
    c = x + a / c;
    if (Math.abs(c) < tiny) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / (Math.sqrt(Math.PI) * f);
}

export function erfc(x: number): number {
  if (Math.abs(x) < ERFC_SERIES_LIMIT) return 1 - erfSeries(x);
  return x > 0 ? erfcFraction(x) : 2 - erfcFraction(-x);
}
