import { empty, type GpuTensor } from './buffers';
import { kernel, launch, type Kernel } from './kernel';

/**
 * C (M, N) = op(A)·op(B) (+ bias broadcast over rows), op = identity or transpose.
 *
 * Two variants, because the hardware differs:
 * - 'registers' (CPU Vulkan drivers): each invocation accumulates a block of C in vec4 registers:
 *   8×8 when the shapes allow vec4 loads (vec4Kernel: 16 FMAs per vec4 load), else 4×4 with
 *   bounds-checked scalar loads (scalarKernel: 16 FMAs per 8 loads). No workgroup memory and no
 *   barriers, because SwiftShader runs barriers very slowly; neighbouring invocations' loads of the
 *   same rows hit the CPU cache. Out-of-range rows and columns read as 0 and are not written.
 * - 'shared' (real GPUs): a workgroup stages K-slices of its A and B tiles in workgroup memory, so
 *   each global value is loaded once per workgroup instead of once per invocation (see sharedKernel).
 * The default is chosen from the adapter: 'registers' where `gpu.isCpu`, 'shared' elsewhere.
 */
export type MatmulVariant = 'registers' | 'shared';

export interface MatmulOptions {
  transA?: boolean;
  transB?: boolean;
  bias?: GpuTensor;
  /** Forces a kernel variant (tests run both on any adapter); by default chosen from the adapter. */
  variant?: MatmulVariant;
}

export function matmul(a: GpuTensor, b: GpuTensor, { transA = false, transB = false, bias, variant }: MatmulOptions = {}): GpuTensor {
  const [M, K] = transA ? [a.shape[1], a.shape[0]] : [a.shape[0], a.shape[1]];
  const [Kb, N] = transB ? [b.shape[1], b.shape[0]] : [b.shape[0], b.shape[1]];
  if (a.shape.length !== 2 || b.shape.length !== 2 || K !== Kb) {
    throw new Error(`matmul: inner dimensions differ: A${transA ? 'ᵀ' : ''} is [${M}, ${K}], B${transB ? 'ᵀ' : ''} is [${Kb}, ${N}]`);
  }
  if (bias && (bias.shape.length !== 1 || bias.shape[0] !== N)) {
    throw new Error(`matmul: bias: expected shape [${N}], got [${bias.shape.join(', ')}]`);
  }
  const out = empty(a.gpu, [M, N]);
  if ((variant ?? (a.gpu.isCpu ? 'registers' : 'shared')) === 'shared') {
    sharedMatmul(a, b, bias, out, transA, transB, M, N, K);
    return out;
  }
  if (vec4Shapes(M, N, K, transA, transB)) {
    launchVec4(a, b, bias, out, { transA, transB, M, N, K, batch: 1 });
    return out;
  }
  launchScalar(a, b, bias, out, { transA, transB, M, N, K, batch: 1 });
  return out;
}

/** Output tile of a workgroup of the 'shared' variant (TILE × TILE), and the depth of its K-slices. */
const TILE = 64;
const DEPTH = 16;
const T4 = TILE / 4;

/**
 * The 'shared' variant's launch. Only whether each operand is loaded as vec4s (its stored rows are a
 * multiple of 4 long) is baked into the kernel; transposition and bias are uniforms, so that few
 * pipelines are compiled (each costs SwiftShader over half a second). Without bias, B is bound in
 * the bias slot and never read.
 */
function sharedMatmul(
  a: GpuTensor,
  b: GpuTensor,
  bias: GpuTensor | undefined,
  out: GpuTensor,
  transA: boolean,
  transB: boolean,
  M: number,
  N: number,
  K: number,
): void {
  const vecA = (transA ? M : K) % 4 === 0;
  const vecB = (transB ? K : N) % 4 === 0;
  // Strides in storage of op(A) along i and k, and of op(B) along k and j, in elements.
  const [aI, aK] = transA ? [1, M] : [K, 1];
  const [bK, bJ] = transB ? [1, K] : [N, 1];
  launch(a.gpu, sharedKernel(vecA, vecB), { A: a, B: b, bias: bias ?? b, C: out }, { M, N, K, hasBias: bias ? 1 : 0, aI, aK, bK, bJ }, [
    Math.ceil(N / TILE),
    Math.ceil(M / TILE),
  ]);
}

/**
 * WGSL filling slice[k·16 + q][e] of one operand with op(X)[tile row / column 4q + e, k0 + k]
 * (0 outside the matrix), where op(X)[t, k] = X[t·tStride + k·kStride]. 1024 values per slice =
 * 256 invocations × 4, consecutive invocations reading consecutive addresses. As vec4s (`vec`):
 * along k when k is the contiguous axis (a tile row is 4 vec4s, scattered over 4 slice rows), else
 * along the tile axis (a slice row is 16 vec4s, copied whole). `t0`: the tile's first row (A) or
 * column (B); `T`: M or N.
 */
function stageSource(x: string, slice: string, vec: boolean, t0: string, T: string, tStride: string, kStride: string): string {
  const at = (t: string, k: string) => `(${t}) * ${tStride} + (${k}) * ${kStride}`;
  if (vec) {
    return `if (${kStride} == 1u) {
    let t = l / 4u; let kq = l % 4u; let kk = k0 + 4u * kq;
    let v = select(vec4<f32>(), ${x}[(${at(`${t0} + t`, 'kk')}) / 4u], ${t0} + t < ${T} && kk < u.K);
    for (var e = 0u; e < 4u; e++) { ${slice}[(4u * kq + e) * ${T4}u + t / 4u][t % 4u] = v[e]; }
  } else {
    let k = l / ${T4}u; let q = l % ${T4}u; let kk = k0 + k;
    ${slice}[k * ${T4}u + q] = select(vec4<f32>(), ${x}[(${at(`${t0} + 4u * q`, 'kk')}) / 4u], kk < u.K && ${t0} + 4u * q < ${T});
  }`;
  }
  return `let kFast = ${kStride} == 1u;
  for (var e = 0u; e < 4u; e++) {
    let idx = l + e * 256u;
    let t = select(idx % ${TILE}u, idx / ${DEPTH}u, kFast);
    let k = select(idx / ${TILE}u, idx % ${DEPTH}u, kFast);
    let tt = ${t0} + t; let kk = k0 + k;
    ${slice}[k * ${T4}u + t / 4u][t % 4u] = select(0.0, ${x}[${at('tt', 'kk')}], tt < ${T} && kk < u.K);
  }`;
}

/**
 * Workgroup-shared-memory tiling, for real GPUs. A workgroup of 16×16 invocations owns a 64×64 tile
 * of C; invocation (tx, ty) accumulates the 4×4 block at rows 4·ty…, columns 4·tx… in four vec4
 * registers. K is walked in slices of 16: the 256 invocations together copy the 64×16 slice of A
 * and the 16×64 slice of B into var<workgroup> arrays (4 values each, one vec4 load where aligned),
 * barrier, then each invocation runs 16 rank-1 updates out of workgroup memory (2 vec4 reads,
 * 16 FMAs each), and a second barrier guards the slice before it is overwritten. Each value of A
 * and B is fetched from global memory once per workgroup instead of once per invocation that
 * uses it. The slices are stored k-major as vec4s of 4 consecutive rows (A) or columns (B): exactly
 * what a rank-1 update reads. Loads past M, N or K give 0 (ragged edges), stores past M or N are
 * skipped. The barriers sit in uniform control flow: no invocation returns early.
 */
function sharedKernel(vecA: boolean, vecB: boolean): Kernel {
  const vecType = (vec: boolean) => (vec ? 'vec4<f32>' : 'f32');
  return kernel({
    name: 'matmul:shared',
    inputs: { A: vecType(vecA), B: vecType(vecB), bias: 'f32' },
    outputs: { C: 'f32' },
    uniforms: { M: 'u32', N: 'u32', K: 'u32', hasBias: 'u32', aI: 'u32', aK: 'u32', bK: 'u32', bJ: 'u32' },
    shared: { sliceA: `array<vec4<f32>, ${DEPTH * T4}>`, sliceB: `array<vec4<f32>, ${DEPTH * T4}>` },
    workgroup: [T4, T4],
    helpers: `
fn stage(l: u32, m0: u32, n0: u32, k0: u32) {
  {
  ${stageSource('A', 'sliceA', vecA, 'm0', 'u.M', 'u.aI', 'u.aK')}
  }
  {
  ${stageSource('B', 'sliceB', vecB, 'n0', 'u.N', 'u.bJ', 'u.bK')}
  }
}

fn store(i: u32, j0: u32, v: vec4<f32>) {
  if (i >= u.M) { return; }
  for (var t = 0u; t < 4u; t++) {
    let j = j0 + t;
    if (j < u.N) {
      var c = v[t];
      if (u.hasBias != 0u) { c += bias[j]; }
      C[i * u.N + j] = c;
    }
  }
}`,
    body: `let m0 = wid.y * ${TILE}u;
  let n0 = wid.x * ${TILE}u;
  var c0 = vec4<f32>(); var c1 = vec4<f32>(); var c2 = vec4<f32>(); var c3 = vec4<f32>();
  for (var k0 = 0u; k0 < u.K; k0 += ${DEPTH}u) {
    stage(l, m0, n0, k0);
    workgroupBarrier();
    for (var k = 0u; k < ${DEPTH}u; k++) {
      let a = sliceA[k * ${T4}u + lid.y];
      let b = sliceB[k * ${T4}u + lid.x];
      c0 += a.x * b; c1 += a.y * b; c2 += a.z * b; c3 += a.w * b;
    }
    workgroupBarrier();
  }
  let i = m0 + 4u * lid.y;
  let j = n0 + 4u * lid.x;
  store(i, j, c0);
  store(i + 1u, j, c1);
  store(i + 2u, j, c2);
  store(i + 3u, j, c3);`,
  });
}

/**
 * Whether the 'registers' vec4 kernel applies: N a multiple of 4, and K (vec4 loads along k) or,
 * for Aᵀ·B, M (the rank-1 form of vec4Kernel, any K) a multiple of 4; M too when A is
 * transposed.
 */
export const vec4Shapes = (M: number, N: number, K: number, transA: boolean, transB: boolean): boolean =>
  N % 4 === 0 && (transA ? M % 4 === 0 && (K % 4 === 0 || !transB) : K % 4 === 0);

/** Register tile of one invocation of the vec4 kernel: ROWS rows × 4·COLS columns of C. */
const ROWS = 8;
const COLS = 2;
/** Its workgroup: 8 × 8 invocations, a 64 × 64 tile of C. */
const WG = 8;
/** WebGPU's least per-dimension workgroup count limit. */
export const MAX_GROUPS = 65535;

export interface MatmulProblem {
  transA: boolean;
  transB: boolean;
  M: number;
  N: number;
  K: number;
  /** Independent products stored back to back in a, b and out (1 for a plain matmul). */
  batch: number;
}

/**
 * Launches the 'registers' vec4 kernel (vec4Shapes must hold): out[β] = op(a[β])·op(b[β]) (+ bias)
 * for β < batch. The batch runs along the grid's z axis (workgroups stride over batches past 65535).
 */
export function launchVec4(a: GpuTensor, b: GpuTensor, bias: GpuTensor | undefined, out: GpuTensor, p: MatmulProblem): void {
  const { transA, transB, M, N, K, batch } = p;
  launch(a.gpu, vec4Kernel(transA, transB, !!bias), { A: a, B: b, ...(bias ? { bias } : {}), C: out }, { M, N, K, batch }, [
    Math.ceil(N / (4 * COLS * WG)),
    Math.ceil(M / (ROWS * WG)),
    Math.min(batch, MAX_GROUPS),
  ]);
}

/**
 * 'registers' variant, fast path (vec4Shapes): every load is a vec4 and the k loop has no bounds
 * checks. Each invocation accumulates an 8 × 8 block of C (rows i…i+7, vec4 columns j, j+1) in 16
 * vec4 registers, 16 FMAs per vec4 load. (SwiftShader turns every per-invocation load into a
 * gather, so loads are what to save: measured on it at 1024², this tile ran about 1.5× faster than
 * 4 × 4, and than 8 × 4, 16 × 1 or 16 × 2, which spill.) Two forms of the k loop:
 * - Aᵀ·B (A stored (K, M), B (K, N)): rank-1 updates, one k per step: a = A[k, i…i+7] (2 vec4s),
 *   b_c = B[k, 4(j+c)…] (2 vec4s), c_{r,c} += a[r]·b_c. Any K.
 * - otherwise four k per step: a_r = A[i+r, k…k+3] (8 vec4s), b_{q,c} = B[k+q, 4(j+c)…] (8 vec4s),
 *   256 FMAs. A transposed operand is read as 4 contiguous vec4s and turned with one 4 × 4
 *   `transpose` per 4 rows (A) or per vec4 column (B). Needs K a multiple of 4.
 * Rows and columns past the edge are clamped on load and skipped on store.
 */
function vec4Kernel(transA: boolean, transB: boolean, hasBias: boolean): Kernel {
  const rows = [...Array(ROWS).keys()];
  const cols = [...Array(COLS).keys()];
  const groups = [...Array(ROWS / 4).keys()];
  const quads = [0, 1, 2, 3];
  const rank1 = transA && !transB;
  const loadA = transA
    ? groups
        .map((g) =>
          rank1
            ? `let at${g} = A[baseA + k * M4 + i4_${g}];`
            : `let at${g} = transpose(mat4x4<f32>(${quads.map((q) => `A[baseA + (4u * k + ${q}u) * M4 + i4_${g}]`).join(', ')}));
      ${quads.map((e) => `let a${4 * g + e} = at${g}[${e}];`).join(' ')}`,
        )
        .join('\n      ')
    : rows.map((r) => `let a${r} = A[baseA + r${r} + k];`).join(' ');
  const loadB = rank1
    ? cols.map((c) => `let b${c} = B[baseB + k * N4 + j${c}];`).join(' ')
    : transB
      ? cols
          .map(
            (c) =>
              `let bt${c} = transpose(mat4x4<f32>(${quads.map((e) => `B[baseB + (4u * j${c} + ${e}u) * K4 + k]`).join(', ')}));
      ${quads.map((q) => `let b${q}_${c} = bt${c}[${q}];`).join(' ')}`,
          )
          .join('\n      ')
      : cols.map((c) => quads.map((q) => `let b${q}_${c} = B[baseB + (4u * k + ${q}u) * N4 + j${c}];`).join(' ')).join('\n      ');
  const update = (r: number, c: number) =>
    rank1 ? `c${r}_${c} += at${r >> 2}[${r & 3}] * b${c};` : `c${r}_${c} += a${r}.x * b0_${c} + a${r}.y * b1_${c} + a${r}.z * b2_${c} + a${r}.w * b3_${c};`;
  const rowOffsets = transA
    ? groups.map((g) => `let i4_${g} = min(i / 4u + ${g}u, M4 - 1u);`).join(' ')
    : rows.map((r) => `let r${r} = min(i + ${r}u, u.M - 1u) * K4;`).join(' ');
  const store = (r: number, c: number) =>
    `if (i + ${r}u < u.M && j + ${c}u < N4) { C[baseC + (i + ${r}u) * N4 + j + ${c}u] = c${r}_${c}${hasBias ? ` + bias[j${c}]` : ''}; }`;
  return kernel({
    name: `matmul:vec4x${ROWS}x${COLS}`,
    inputs: { A: 'vec4<f32>', B: 'vec4<f32>', ...(hasBias ? ({ bias: 'vec4<f32>' } as const) : {}) },
    outputs: { C: 'vec4<f32>' },
    uniforms: { M: 'u32', N: 'u32', K: 'u32', batch: 'u32' },
    workgroup: [WG, WG],
    body: `let M4 = u.M / 4u;
  let N4 = u.N / 4u;
  let K4 = u.K / 4u;
  let j = gid.x * ${COLS}u;
  let i = gid.y * ${ROWS}u;
  if (j >= N4 || i >= u.M) { return; }
  ${rowOffsets}
  ${cols.map((c) => `let j${c} = min(j + ${c}u, N4 - 1u);`).join(' ')}
  for (var batch = gid.z; batch < u.batch; batch += groups.z) {
    let baseA = batch * (u.M * u.K / 4u);
    let baseB = batch * (u.K * N4);
    ${rows.flatMap((r) => cols.map((c) => `var c${r}_${c} = vec4<f32>();`)).join(' ')}
    for (var k = 0u; k < ${rank1 ? 'u.K' : 'K4'}; k++) {
      ${loadA}
      ${loadB}
      ${rows.flatMap((r) => cols.map((c) => update(r, c))).join('\n      ')}
    }
    let baseC = batch * u.M * N4;
    ${rows.flatMap((r) => cols.map((c) => store(r, c))).join('\n    ')}
  }`,
  });
}

/**
 * Launches the 'registers' scalar kernel: out[β] = op(a[β])·op(b[β]) (+ bias) for β < batch, for
 * shapes vec4Shapes refuses. Each invocation accumulates a 4×4 block of C[β] in four vec4 registers,
 * 16 FMAs per 8 bounds-checked scalar loads per step of k; a workgroup of 8×8 invocations covers a
 * 32×32 tile of one matrix. The batch runs along the grid's z axis (workgroups stride over batches
 * past 65535). No workgroup memory, no barriers; out-of-range rows and columns read as 0 and are not
 * written. Shared by matmul and batched_matmul.
 */
export function launchScalar(a: GpuTensor, b: GpuTensor, bias: GpuTensor | undefined, out: GpuTensor, p: MatmulProblem): void {
  const { transA, transB, M, N, K, batch } = p;
  launch(a.gpu, scalarKernel(transA, transB, !!bias), { A: a, B: b, ...(bias ? { bias } : {}), C: out }, { M, N, K, batch }, [
    Math.ceil(N / 32),
    Math.ceil(M / 32),
    Math.min(batch, MAX_GROUPS),
  ]);
}

function scalarKernel(transA: boolean, transB: boolean, hasBias: boolean): Kernel {
  return kernel({
    name: 'matmul:scalar4x4',
    inputs: { A: 'f32', B: 'f32', ...(hasBias ? ({ bias: 'f32' } as const) : {}) },
    outputs: { C: 'f32' },
    uniforms: { M: 'u32', N: 'u32', K: 'u32', batch: 'u32' },
    workgroup: [8, 8],
    helpers: `
fn a_at(base: u32, i: u32, k: u32) -> f32 {
  if (i >= u.M) { return 0.0; }
  return A[base + ${transA ? 'k * u.M + i' : 'i * u.K + k'}];
}

fn b_at(base: u32, k: u32, j: u32) -> f32 {
  if (j >= u.N) { return 0.0; }
  return B[base + ${transB ? 'j * u.K + k' : 'k * u.N + j'}];
}

fn store(base: u32, i: u32, j0: u32, v: vec4<f32>) {
  if (i >= u.M) { return; }
  for (var t = 0u; t < 4u; t++) {
    let j = j0 + t;
    if (j < u.N) { C[base + i * u.N + j] = v[t]${hasBias ? ' + bias[j]' : ''}; }
  }
}`,
    body: `let i = gid.y * 4u;
  let j = gid.x * 4u;
  for (var b = gid.z; b < u.batch; b += groups.z) {
    let baseA = b * u.M * u.K;
    let baseB = b * u.K * u.N;
    var c0 = vec4<f32>(); var c1 = vec4<f32>(); var c2 = vec4<f32>(); var c3 = vec4<f32>();
    for (var k = 0u; k < u.K; k++) {
      let bk = vec4<f32>(b_at(baseB, k, j), b_at(baseB, k, j + 1u), b_at(baseB, k, j + 2u), b_at(baseB, k, j + 3u));
      c0 += a_at(baseA, i, k) * bk;
      c1 += a_at(baseA, i + 1u, k) * bk;
      c2 += a_at(baseA, i + 2u, k) * bk;
      c3 += a_at(baseA, i + 3u, k) * bk;
    }
    let baseC = b * u.M * u.N;
    store(baseC, i, j, c0);
    store(baseC, i + 1u, j, c1);
    store(baseC, i + 2u, j, c2);
    store(baseC, i + 3u, j, c3);
  }`,
  });
}
