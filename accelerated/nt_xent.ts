import { requireLossGradient } from '../reference/classification';
import { type NtXentParams, validateNtXent } from '../reference/nt_xent';
import type { GpuTensor } from './runtime/buffers';
import { matmul } from './runtime/matmul';
import { pointwise } from './runtime/pointwise';
import { sumAll } from './runtime/reduce';
import { scope } from './runtime/scope';

/**
 * Twin of reference/nt_xent (the vectorized formulation), M = 2N rows:
 * forward  1. one invocation per row: its norm and the normalized row U;
 *          2. S = U·Uᵀ by the shared register-tiled matmul;
 *          3. one invocation per row of S: max-subtracted softmax over k ≠ i (kept as P for the
 *             backward) and the row's −log P_{i,p(i)}; 4. the tree reduction averages the rows.
 * backward 1. one invocation per entry: (dS + dSᵀ)_ik = c·(P_ik + P_ki − 2·[k = p(i)]), c = dloss/(Mτ);
 *          2. dU = (dS + dSᵀ)·U by the matmul; 3. one invocation per row: dz = (dU − U·(U·dU))/‖z‖.
 */
export interface NtXentCache {
  u: GpuTensor;
  norms: GpuTensor;
  probs: GpuTensor;
  tau: number;
}

export function ntXentForward(z: GpuTensor, params: NtXentParams = {}): { loss: GpuTensor; cache: NtXentCache } {
  const { M, D, tau } = validateNtXent(z, params);
  return scope(() => {
    const { unit: u, norms } = pointwise(z.gpu, {
      name: 'nt_xent:normalize',
      inputs: { z },
      outputs: { unit: { shape: [M, D] }, norms: { shape: [M] } },
      count: M,
      uniforms: { D: ['u32', D] },
      body: `var sq = 0.0;
  for (var d = 0u; d < D; d++) { sq += z[i * D + d] * z[i * D + d]; }
  let norm = sqrt(sq);
  norms[i] = norm;
  for (var d = 0u; d < D; d++) { unit[i * D + d] = z[i * D + d] / norm; }`,
    });
    const s = matmul(u, u, { transB: true });
    const { probs, row_loss } = pointwise(z.gpu, {
      name: 'nt_xent:rows',
      inputs: { s },
      outputs: { probs: { shape: [M, M] }, row_loss: { shape: [M] } },
      count: M,
      uniforms: { M: ['u32', M], inv_tau: ['f32', 1 / tau] },
      body: `let row = i * M;
  var top = -3.4e38;
  for (var k = 0u; k < M; k++) { if (k != i) { top = max(top, s[row + k] * inv_tau); } }
  var total = 0.0;
  for (var k = 0u; k < M; k++) {
    var e = 0.0;
    if (k != i) { e = exp(s[row + k] * inv_tau - top); }
    probs[row + k] = e;
    total += e;
  }
  for (var k = 0u; k < M; k++) { probs[row + k] = probs[row + k] / total; }
  row_loss[i] = top + log(total) - s[row + (i + M / 2u) % M] * inv_tau;`,
    });
    const loss = sumAll(row_loss, 1 / M);
    return { loss, cache: { u, norms, probs, tau } };
  });
}

export function ntXentBackward(dloss: GpuTensor, cache: NtXentCache): { dz: GpuTensor } {
  requireLossGradient('nt_xent', dloss);
  const { u, norms, probs, tau } = cache;
  const [M, D] = u.shape;
  return scope(() => {
    const { sym } = pointwise(u.gpu, {
      name: 'nt_xent:dsim',
      inputs: { probs, dloss },
      outputs: { sym: { shape: [M, M] } },
      count: M * M,
      uniforms: { M: ['u32', M], inv_m_tau: ['f32', 1 / (M * tau)] },
      body: `let r = i / M;
  let k = i % M;
  let positive = select(0.0, 2.0, k == (r + M / 2u) % M);
  sym[i] = dloss[0] * inv_m_tau * (probs[i] + probs[k * M + r] - positive);`,
    });
    const du = matmul(sym, u);
    const { dz } = pointwise(u.gpu, {
      name: 'nt_xent:dnormalize',
      inputs: { unit: u, du, norms },
      outputs: { dz: { shape: [M, D] } },
      count: M,
      uniforms: { D: ['u32', D] },
      body: `var radial = 0.0;
  for (var d = 0u; d < D; d++) { radial += unit[i * D + d] * du[i * D + d]; }
  for (var d = 0u; d < D; d++) { dz[i * D + d] = (du[i * D + d] - unit[i * D + d] * radial) / norms[i]; }`,
    });
    return { dz };
  });
}
