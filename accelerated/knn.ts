import { validateKnn, type KnnParams } from '../reference/knn';
import type { GpuTensor } from './runtime/buffers';
import { pointwise } from './runtime/pointwise';
import { scope } from './runtime/scope';

/**
 * Twin of reference/knn (forward only, as the reference). The variant param only picks how the
 * reference computes distances; the twin computes them directly, Σ_d (x − t)², which unlike the
 * ‖x‖² + ‖t‖² − 2·x·t form keeps float32 accuracy for near-zero distances.
 *
 * distances: one invocation per test row and 4 consecutive training rows (a 1×4 register tile):
 *   each X[n, d] is loaded once for four accumulators; no shared memory.
 * vote: one invocation per test row: k selection passes over its M distances, each taking the next
 *   nearest in (distance, index) order, write the k neighbour labels to a scratch row; then the
 *   label with the most votes among them (ties: the smallest label). O(k·M + k²) per row.
 */
const TILE = 4;

export function knnForward(X_train: GpuTensor, y_train: GpuTensor, X: GpuTensor, params: KnnParams = {}): { dists: GpuTensor; labels: GpuTensor; cache: null } {
  const { M, N, D, k } = validateKnn(X_train, y_train, X, params);
  const tiles = Math.ceil(M / TILE);
  return scope(() => {
    const { dists } = pointwise(X.gpu, {
      name: 'knn:distances',
      inputs: { X_train, X },
      outputs: { dists: { shape: [N, M] } },
      uniforms: { M: ['u32', M], D: ['u32', D], tiles: ['u32', tiles] },
      count: N * tiles,
      body: `
  let n = i / tiles;
  let m0 = (i % tiles) * ${TILE}u;
  var rows: array<u32, ${TILE}>;
  for (var c = 0u; c < ${TILE}u; c++) { rows[c] = min(m0 + c, M - 1u) * D; }
  var acc = vec4<f32>(0.0);
  for (var d = 0u; d < D; d++) {
    let diff = X[n * D + d] - vec4<f32>(X_train[rows[0] + d], X_train[rows[1] + d], X_train[rows[2] + d], X_train[rows[3] + d]);
    acc += diff * diff;
  }
  for (var c = 0u; c < ${TILE}u; c++) {
    if (m0 + c < M) { dists[n * M + m0 + c] = sqrt(acc[c]); }
  }`,
    });
    // neighbours: the vote's scratch rows, freed as the scope closes
    const { labels } = pointwise(X.gpu, {
      name: 'knn:vote',
      inputs: { dists, y_train },
      outputs: { labels: { shape: [N], dtype: 'i32' }, neighbours: { shape: [N, k], dtype: 'i32' } },
      uniforms: { M: ['u32', M], k: ['u32', k] },
      count: N,
      body: `
  let row = i * M;
  let votes = i * k;
  var last_d = -1.0;
  var last_j = -1;
  for (var r = 0u; r < k; r++) {
    var best_d = 0.0;
    var best_j = -1;
    for (var j = 0u; j < M; j++) {
      let d = dists[row + j];
      let later = d > last_d || (d == last_d && i32(j) > last_j);
      if (later && (best_j < 0 || d < best_d)) { best_d = d; best_j = i32(j); }
    }
    neighbours[votes + r] = y_train[best_j];
    last_d = best_d;
    last_j = best_j;
  }
  var label = 0;
  var best_count = 0u;
  for (var r = 0u; r < k; r++) {
    let candidate = neighbours[votes + r];
    var count = 0u;
    for (var s = 0u; s < k; s++) { count += select(0u, 1u, neighbours[votes + s] == candidate); }
    if (count > best_count || (count == best_count && candidate < label)) { label = candidate; best_count = count; }
  }
  labels[i] = label;`,
    });
    return { dists, labels, cache: null };
  });
}
