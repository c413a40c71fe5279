import { lossGradient } from './classification';
import { hyper } from './hyperparams';
import { scalar, tensor, type Tensor } from './tensor';
import { InputError, requireFinite, requirePositiveSizes, requireRank, type Shaped } from './validate';

/**
 * NT-Xent (SimCLR's contrastive loss). z (2N, D): rows k and k + N are a positive pair.
 * With cosine similarities s_ik = zᵢ·z_k / (‖zᵢ‖‖z_k‖) and p(i) = i ± N the positive of i,
 *   loss = (1/2N) Σᵢ −log( e^(s_{i,p(i)}/τ) / Σ_{k≠i} e^(s_ik/τ) )
 * Naive variant: loops over pairs, differentiating each cosine directly. Vectorized variant: row
 * normalization U, S = U·Uᵀ, row softmax P (diagonal excluded), dS = (P − positives)/(2Nτ),
 * dU = (dS + dSᵀ)·U, then the normalization's backward.
 */
export interface NtXentParams {
  tau?: number;
}

export interface NtXentCache {
  z: Tensor;
  tau: number;
}

const OP = 'nt_xent';

/** z (2N, D): an even, non-zero number of rows, finite, no zero row; tau (default 0.5) > 0. */
export function validateNtXent(z: Shaped, params: NtXentParams = {}): { M: number; D: number; tau: number } {
  requireRank(OP, 'z', z, 2);
  requirePositiveSizes(OP, 'z', z);
  const [M, D] = z.shape;
  if (M % 2 !== 0) throw new InputError(OP, 'z', 'an even number of rows (2N: pairs k, k + N)', `${M} rows`);
  requireFinite(OP, 'z', z);
  const data = z.data;
  for (let i = 0; data && i < M; i++) {
    const row = Array.from({ length: D }, (_, d) => data[i * D + d]);
    if (row.every((v) => v === 0)) throw new InputError(OP, 'z', 'rows of non-zero norm (cosine similarity)', `a zero row at [${i}]`);
  }
  return { M, D, tau: hyper(OP, params, 'tau', 0.5, { above: 0 }) };
}

const positiveOf = (i: number, M: number): number => (i + M / 2) % M;
const rowNorm = (z: Tensor, i: number, D: number): number => {
  let sq = 0;
  for (let d = 0; d < D; d++) sq += z.data[i * D + d] ** 2;
  return Math.sqrt(sq);
};

/** Pairwise cosines one pair at a time: s_ik = Σ_d (zᵢ[d]/‖zᵢ‖)·(z_k[d]/‖z_k‖). */
function cosinesNaive(z: Tensor): { s: Float64Array; norms: Float64Array } {
  const [M, D] = z.shape;
  const norms = Float64Array.from({ length: M }, (_, i) => rowNorm(z, i, D));
  const s = new Float64Array(M * M);
  for (let i = 0; i < M; i++) {
    for (let k = 0; k < M; k++) {
      let cosine = 0;
      for (let d = 0; d < D; d++) cosine += (z.data[i * D + d] / norms[i]) * (z.data[k * D + d] / norms[k]);
      s[i * M + k] = cosine;
    }
  }
  return { s, norms };
}

/** Softmax of row i of s/τ over k ≠ i (max-subtracted), and −log of its positive's entry. */
function rowSoftmax(s: Float64Array, i: number, M: number, tau: number): { p: Float64Array; loss: number } {
  let max = -Infinity;
  for (let k = 0; k < M; k++) if (k !== i) max = Math.max(max, s[i * M + k] / tau);
  const p = new Float64Array(M);
  let sum = 0;
  for (let k = 0; k < M; k++) {
    if (k === i) continue;
    p[k] = Math.exp(s[i * M + k] / tau - max);
    sum += p[k];
  }
  for (let k = 0; k < M; k++) p[k] /= sum;
  return { p, loss: max + Math.log(sum) - s[i * M + positiveOf(i, M)] / tau };
}

export function ntXentNaiveForward(z: Tensor, params: NtXentParams = {}): { loss: Tensor; cache: NtXentCache } {
  const { M, tau } = validateNtXent(z, params);
  const { s } = cosinesNaive(z);
  let sum = 0;
  for (let i = 0; i < M; i++) sum += rowSoftmax(s, i, M, tau).loss;
  return { loss: scalar(sum / M), cache: { z, tau } };
}

/**
 * Per pair (i, k ≠ i): ∂loss/∂s_ik = (P_ik − [k = p(i)]) / (2N·τ), and ∂s_ik/∂zᵢ = (u_k − s_ik·uᵢ)/‖zᵢ‖
 * (symmetrically for z_k), with u the normalized rows.
 */
export function ntXentNaiveBackward(dloss: Tensor, cache: NtXentCache): { dz: Tensor } {
  const { z, tau } = cache;
  const g = lossGradient(OP, dloss);
  const [M, D] = z.shape;
  const { s, norms } = cosinesNaive(z);
  const dz = tensor([M, D]);
  for (let i = 0; i < M; i++) {
    const { p } = rowSoftmax(s, i, M, tau);
    for (let k = 0; k < M; k++) {
      if (k === i) continue;
      const ds = ((p[k] - (k === positiveOf(i, M) ? 1 : 0)) / (M * tau)) * g;
      const sik = s[i * M + k];
      for (let d = 0; d < D; d++) {
        const ui = z.data[i * D + d] / norms[i];
        const uk = z.data[k * D + d] / norms[k];
        dz.data[i * D + d] += (ds * (uk - sik * ui)) / norms[i];
        dz.data[k * D + d] += (ds * (ui - sik * uk)) / norms[k];
      }
    }
  }
  return { dz };
}

/** U = z / ‖z‖ (rows) */
function normalizeRows(z: Tensor): { u: Tensor; norms: Float64Array } {
  const [M, D] = z.shape;
  const norms = Float64Array.from({ length: M }, (_, i) => rowNorm(z, i, D));
  return {
    u: tensor(
      [M, D],
      z.data.map((v, j) => v / norms[Math.floor(j / D)]),
    ),
    norms,
  };
}

/** A·Bᵀ for A (M, D), B (K, D) */
function matmulTransB(a: Tensor, b: Tensor): Tensor {
  const [M, D] = a.shape;
  const K = b.shape[0];
  const out = tensor([M, K]);
  for (let i = 0; i < M; i++) for (let k = 0; k < K; k++) for (let d = 0; d < D; d++) out.data[i * K + k] += a.data[i * D + d] * b.data[k * D + d];
  return out;
}

/** A·B for A (M, K), B (K, D) */
function matmulPlain(a: Tensor, b: Tensor): Tensor {
  const [M, K] = a.shape;
  const D = b.shape[1];
  const out = tensor([M, D]);
  for (let i = 0; i < M; i++) for (let k = 0; k < K; k++) for (let d = 0; d < D; d++) out.data[i * D + d] += a.data[i * K + k] * b.data[k * D + d];
  return out;
}

export function ntXentVectorizedForward(z: Tensor, params: NtXentParams = {}): { loss: Tensor; cache: NtXentCache } {
  const { M, tau } = validateNtXent(z, params);
  const { u } = normalizeRows(z);
  const s = matmulTransB(u, u).data;
  let sum = 0;
  for (let i = 0; i < M; i++) sum += rowSoftmax(s, i, M, tau).loss;
  return { loss: scalar(sum / M), cache: { z, tau } };
}

/** dS = (P − positives)/(2N·τ); dU = (dS + dSᵀ)·U; dz = (dU − U·rowsum(U ⊙ dU)) / ‖z‖ */
export function ntXentVectorizedBackward(dloss: Tensor, cache: NtXentCache): { dz: Tensor } {
  const { z, tau } = cache;
  const g = lossGradient(OP, dloss);
  const [M, D] = z.shape;
  const { u, norms } = normalizeRows(z);
  const s = matmulTransB(u, u).data;
  const ds = tensor([M, M]);
  for (let i = 0; i < M; i++) {
    const { p } = rowSoftmax(s, i, M, tau);
    p[positiveOf(i, M)] -= 1;
    for (let k = 0; k < M; k++) ds.data[i * M + k] = (p[k] / (M * tau)) * g;
  }
  const sym = tensor(
    [M, M],
    ds.data.map((v, j) => v + ds.data[(j % M) * M + Math.floor(j / M)]),
  );
  const du = matmulPlain(sym, u);
  const dz = tensor([M, D]);
  for (let i = 0; i < M; i++) {
    let radial = 0;
    for (let d = 0; d < D; d++) radial += u.data[i * D + d] * du.data[i * D + d];
    for (let d = 0; d < D; d++) dz.data[i * D + d] = (du.data[i * D + d] - u.data[i * D + d] * radial) / norms[i];
  }
  return { dz };
}
