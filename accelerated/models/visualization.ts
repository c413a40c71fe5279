import type { Backend } from '../../reference/models/backend';
import { blurKernel, oneHot, requireRows, type VisualOps } from '../../reference/models/visualization';
import { upload, view, type GpuTensor } from '../runtime/buffers';
import { conv2dForward } from '../conv2d';
import { pointwise } from '../runtime/pointwise';
import { scope } from '../runtime/scope';

/**
 * The VisualOps of reference/models/visualization.ts on the device (its loops then keep images,
 * gradients and scores on the device). Small kernels of their own (accelerated/runtime/pointwise.ts, one
 * invocation per output element, no shared memory: each is one pass over a few thousand values):
 *   saliency      one invocation per pixel (n, h, w): max over channels of |dX|.
 *   ascend:scale  one invocation per row: ‖g‖ over its D values (g = dX − 2·reg·X) and, with a stop
 *                 condition, the arg-max of its scores; writes lr/‖g‖, or 0 for a finished row.
 *   ascend:step   one invocation per element: X + scale[row]·g.
 *   roll          one invocation per element: the value (h − dy, w − dx) of its plane, wrapped.
 * The blur is the conv2d twin (groups = C) with the binomial kernel; the one-hot upstream gradients
 * and the blur kernel are built on the host and uploaded.
 */
const GRADIENT = 'dX[i] - 2.0 * reg * X[i]';

export function webgpuVisualOps(backend: Backend<GpuTensor>): VisualOps<GpuTensor> {
  return {
    backend,
    oneHot: (like, classes, C) => upload(like.gpu, oneHot(classes, C)),
    saliency(dX, [C, H, W]) {
      requireRows('saliency', 'dX', dX, C * H * W);
      const N = dX.shape[0];
      return pointwise(dX.gpu, {
        name: 'visualization:saliency',
        inputs: { dX },
        outputs: { maps: { shape: [N, H, W] } },
        count: N * H * W,
        uniforms: { C: ['u32', C], HW: ['u32', H * W] },
        body: `let n = i / HW;
  let p = i % HW;
  var m = 0.0;
  for (var c = 0u; c < C; c++) { m = max(m, abs(dX[(n * C + c) * HW + p])); }
  maps[i] = m;`,
      }).maps;
    },
    ascend: (X, dX, lr, reg, stop) =>
      scope(() => {
        const [N] = X.shape;
        const D = X.shape.slice(1).reduce((a, b) => a * b, 1);
        requireRows('ascend', 'dX', dX, D, N);
        const C = stop ? stop.scores.shape[1] : 0;
        const { scale } = pointwise(X.gpu, {
          name: `visualization:ascend-scale:${stop ? 'stop' : 'all'}`,
          inputs: { X, dX, ...(stop ? { scores: stop.scores, targets: stop.target } : {}) },
          outputs: { scale: { shape: [N] } },
          count: N,
          uniforms: { D: ['u32', D], C: ['u32', C], lr: ['f32', lr], reg: ['f32', reg] },
          body: `${
            stop
              ? `var best = 0u;
  for (var c = 1u; c < C; c++) { if (scores[i * C + c] > scores[i * C + best]) { best = c; } }
  if (i32(best) == targets[i]) { scale[i] = 0.0; return; }`
              : ''
          }
  var s = 0.0;
  for (var d = i * D; d < (i + 1u) * D; d++) { let g = ${GRADIENT.replaceAll('[i]', '[d]')}; s += g * g; }
  scale[i] = select(0.0, lr / sqrt(s), s > 0.0);`,
        });
        return pointwise(X.gpu, {
          name: 'visualization:ascend-step',
          inputs: { X, dX, scale },
          outputs: { next: { shape: X.shape } },
          count: N * D,
          uniforms: { D: ['u32', D], reg: ['f32', reg] },
          body: `next[i] = X[i] + scale[i / D] * (${GRADIENT});`,
        }).next;
      }),
    roll(X, [C, H, W], dy, dx) {
      requireRows('roll', 'X', X, C * H * W);
      const wrap = (s: number, n: number) => ((s % n) + n) % n;
      return pointwise(X.gpu, {
        name: 'visualization:roll',
        inputs: { X },
        outputs: { out: { shape: X.shape } },
        count: X.shape[0] * C * H * W,
        uniforms: { H: ['u32', H], W: ['u32', W], dy: ['u32', wrap(dy, H)], dx: ['u32', wrap(dx, W)] },
        body: `let w = i % W;
  let h = (i / W) % H;
  let plane = i / (H * W);
  out[i] = X[(plane * H + (h + H - dy) % H) * W + (w + W - dx) % W];`,
      }).out;
    },
    blur: (X, [C, H, W]) =>
      scope(() => {
        requireRows('blur', 'X', X, C * H * W);
        const kernel = blurKernel(C);
        const [w, b] = [upload(X.gpu, kernel.w), upload(X.gpu, kernel.b)];
        return view(conv2dForward(view(X, [X.shape[0], C, H, W]), w, b, { pad: 1, groups: C }).out, X.shape);
      }),
  };
}
