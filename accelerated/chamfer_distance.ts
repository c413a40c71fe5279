import { validateChamferDistance } from '../reference/chamfer_distance';
import { requireLossGradient } from '../reference/classification';
import type { GpuTensor } from './runtime/buffers';
import { pointwise } from './runtime/pointwise';
import { sumAll } from './runtime/reduce';
import { scope } from './runtime/scope';

/**
 * Twin of reference/chamfer_distance. Forward: one invocation per point of P ∪ Q (P's first) walks
 * the other cloud for its nearest neighbour, writing the squared distance and the neighbour's index;
 * the tree reduction sums the distances. Backward: one invocation per point, its own pair plus a
 * walk over the other cloud's indices for the points whose nearest it is (a gather instead of an
 * atomic scatter). Clouds are small (N, M ≲ 10⁴), so the O(N·M) walks need no spatial index.
 */
export interface ChamferDistanceCache {
  P: GpuTensor;
  Q: GpuTensor;
  nearest: GpuTensor;
}

const POINTS = `
fn p_at(k: u32) -> vec3<f32> { return vec3<f32>(P[3u * k], P[3u * k + 1u], P[3u * k + 2u]); }
fn q_at(k: u32) -> vec3<f32> { return vec3<f32>(Q[3u * k], Q[3u * k + 1u], Q[3u * k + 2u]); }
fn cloud_at(in_p: bool, k: u32) -> vec3<f32> {
  if (in_p) { return p_at(k); }
  return q_at(k);
}`;

/** Invocation i < NP is point i of P, else point i − NP of Q; \`others\` is the size of the other cloud. */
const OWN_POINT = `let from_p = i < NP;
  let own = select(i - NP, i, from_p);
  let x = cloud_at(from_p, own);
  let others = select(NP, NQ, from_p);`;

export function chamferDistanceForward(P: GpuTensor, Q: GpuTensor): { loss: GpuTensor; cache: ChamferDistanceCache } {
  const { N, M } = validateChamferDistance(P, Q);
  return scope(() => {
    const { dists, nearest } = pointwise(P.gpu, {
      name: 'chamfer_distance:nearest',
      inputs: { P, Q },
      count: N + M,
      functions: POINTS,
      outputs: { dists: { shape: [N + M] }, nearest: { shape: [N + M], dtype: 'i32' } },
      uniforms: { NP: ['u32', N], NQ: ['u32', M] },
      body: `${OWN_POINT}
  var best = 3.4e38;
  var arg = 0u;
  for (var k = 0u; k < others; k++) {
    let d = x - cloud_at(!from_p, k);
    let dd = dot(d, d);
    if (dd < best) { best = dd; arg = k; }
  }
  dists[i] = best;
  nearest[i] = i32(arg);`,
    });
    const loss = sumAll(dists);
    return { loss, cache: { P, Q, nearest } };
  });
}

export function chamferDistanceBackward(dloss: GpuTensor, cache: ChamferDistanceCache): { dP: GpuTensor; dQ: GpuTensor } {
  requireLossGradient('chamfer_distance', dloss);
  const { P, Q, nearest } = cache;
  const [N, M] = [P.shape[0], Q.shape[0]];
  const { dP, dQ } = pointwise(P.gpu, {
    name: 'chamfer_distance:backward',
    inputs: { P, Q, nearest, dloss },
    count: N + M,
    functions: POINTS,
    outputs: { dP: { shape: P.shape }, dQ: { shape: Q.shape } },
    uniforms: { NP: ['u32', N], NQ: ['u32', M] },
    body: `${OWN_POINT}
  var grad = x - cloud_at(!from_p, u32(nearest[i]));
  let their_base = select(0u, NP, from_p);
  for (var k = 0u; k < others; k++) {
    if (u32(nearest[their_base + k]) == own) { grad += x - cloud_at(!from_p, k); }
  }
  grad = 2.0 * dloss[0] * grad;
  if (from_p) {
    dP[3u * own] = grad.x; dP[3u * own + 1u] = grad.y; dP[3u * own + 2u] = grad.z;
  } else {
    dQ[3u * own] = grad.x; dQ[3u * own + 1u] = grad.y; dQ[3u * own + 2u] = grad.z;
  }`,
  });
  return { dP, dQ };
}
