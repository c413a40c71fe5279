/**
 * WGSL `cos_pi(x)` = cos(π·x) for x ∈ [−1, 1], accurate to a few float32 ulps. WGSL's cos only
 * promises an absolute error of 2⁻¹¹, and SwiftShader's is ~2e-4 — too coarse for the init normals
 * (Box–Muller) and the cosine schedule. The argument is reduced by symmetry to y ∈ [0, ½] (1 − y
 * and ½ − y are exact in float32), then a Taylor polynomial of cos on [0, π/4] or of sin on
 * (0, π/4] (truncation < 1e-9), so values near the zero of cos keep their relative accuracy.
 */
export const COS_PI_WGSL = `
fn sin_series(a: f32) -> f32 {
  let a2 = a * a;
  return a * (1.0 + a2 * (-1.0 / 6.0 + a2 * (1.0 / 120.0 + a2 * (-1.0 / 5040.0 + a2 * (1.0 / 362880.0 + a2 * (-1.0 / 39916800.0))))));
}
fn cos_series(a: f32) -> f32 {
  let a2 = a * a;
  return 1.0 + a2 * (-0.5 + a2 * (1.0 / 24.0 + a2 * (-1.0 / 720.0 + a2 * (1.0 / 40320.0 + a2 * (-1.0 / 3628800.0 + a2 / 479001600.0)))));
}
fn cos_pi(x: f32) -> f32 {
  var y = abs(x);
  var sign = 1.0;
  if (y > 0.5) { y = 1.0 - y; sign = -1.0; }
  if (y > 0.25) { return sign * sin_series(3.141592653589793 * (0.5 - y)); }
  return sign * cos_series(3.141592653589793 * y);
}`;
