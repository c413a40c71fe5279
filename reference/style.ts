/**
 * Gram matrices of feature maps, shared by gram_matrix and style_loss (style transfer). For one
 * sample, F is the (C, H·W) matrix of its feature map and G = F·Fᵀ·scale, with scale = 1/(H·W·C)
 * when normalized; by the product rule dF = (dG + dGᵀ)·F·scale.
 */

/** G[c, d] = scale·Σ_k F[c, k]·F[d, k] for the (C, HW) block of `f` that starts at `offset`, into `g` at `gOffset`. */
export function gramInto(f: Float64Array, offset: number, C: number, HW: number, scale: number, g: Float64Array, gOffset: number): void {
  for (let c = 0; c < C; c++) {
    for (let d = 0; d < C; d++) {
      let s = 0;
      for (let k = 0; k < HW; k++) s += f[offset + c * HW + k] * f[offset + d * HW + k];
      g[gOffset + c * C + d] = scale * s;
    }
  }
}

/** dF[c, k] += scale·Σ_d (dG[c, d] + dG[d, c])·F[d, k], for the same blocks as gramInto. */
export function gramBackwardInto(
  dg: Float64Array,
  gOffset: number,
  f: Float64Array,
  offset: number,
  C: number,
  HW: number,
  scale: number,
  df: Float64Array,
): void {
  for (let c = 0; c < C; c++) {
    for (let d = 0; d < C; d++) {
      const w = scale * (dg[gOffset + c * C + d] + dg[gOffset + d * C + c]);
      for (let k = 0; k < HW; k++) df[offset + c * HW + k] += w * f[offset + d * HW + k];
    }
  }
}
