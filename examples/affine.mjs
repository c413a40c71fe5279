// Checking your own op with gradcheck-ts, as torch.autograd.gradcheck or cs231n's
// gradient_check.py would. With the package installed, `node affine.mjs` prints whether each
// backward agrees with centered differences. (spec/package.test.ts runs this very file.)
import { evalNumericalGradient, gradcheck, relError, tensor } from 'gradcheck-ts';

/**
 * out = x·w + b for x [N, D], w [D, M], b [M]: the outputs by name, and the backward of this call,
 * which maps the upstream gradient dout to dx, dw, db. With `dbFromFirstRow` it has a classic bug.
 *
 * @param {{ dbFromFirstRow?: boolean }} [bug]
 * @returns {import('gradcheck-ts').Differentiable}
 */
const affine =
  ({ dbFromFirstRow = false } = {}) =>
  ({ x, w, b }) => {
    const [N, D] = x.shape;
    const M = w.shape[1];
    const out = tensor([N, M]);
    for (let n = 0; n < N; n++)
      for (let m = 0; m < M; m++) {
        let s = b.data[m];
        for (let d = 0; d < D; d++) s += x.data[n * D + d] * w.data[d * M + m];
        out.data[n * M + m] = s;
      }
    /** @param {import('gradcheck-ts').Tensors} douts */
    const backward = ({ out: dout }) => {
      const dx = tensor(x.shape);
      const dw = tensor(w.shape);
      const db = tensor(b.shape);
      for (let n = 0; n < N; n++)
        for (let m = 0; m < M; m++) {
          const g = dout.data[n * M + m];
          if (n === 0 || !dbFromFirstRow) db.data[m] += g; // the bug: db from the first row only
          for (let d = 0; d < D; d++) {
            dx.data[n * D + d] += g * w.data[d * M + m];
            dw.data[d * M + m] += g * x.data[n * D + d];
          }
        }
      return { dx, dw, db };
    };
    return { outputs: { out }, backward };
  };

const inputs = {
  x: tensor([3, 4], [0.1, -0.5, 0.3, 0.8, -0.2, 0.4, 0.9, -0.7, 0.6, -0.3, 0.2, 0.5]),
  w: tensor([4, 2], [0.3, -0.1, 0.7, 0.2, -0.4, 0.6, 0.5, -0.8]),
  b: tensor([2], [0.1, -0.2]),
};

// torch-like: ok, the max rel_error per input, the worst element.
const functions = { affine: affine(), 'affine with a bug in db': affine({ dbFromFirstRow: true }) };
for (const [name, fn] of Object.entries(functions)) {
  const r = gradcheck(fn, inputs);
  const perInput = Object.entries(r.perInput)
    .map(([input, e]) => `${input} ${e.toExponential(1)}`)
    .join(', ');
  console.log(`${name}: ${r.ok ? 'ok' : 'FAIL'} (max rel_error per input: ${perInput})`);
  if (!r.ok && r.worst) {
    const { input, index, numeric, analytic } = r.worst;
    console.log(`  worst at d${input}${index}: numeric ${numeric.toFixed(6)}, analytic ${analytic.toFixed(6)}`);
  }
}

// cs231n-style: the numerical gradient of a scalar loss (here Σ out), compared with rel_error.
/** @param {import('gradcheck-ts').Tensor} x */
const loss = (x) => affine()({ ...inputs, x }).outputs.out.data.reduce((a, v) => a + v, 0);
const ones = tensor([3, 2], new Array(6).fill(1));
const dx = affine()(inputs).backward({ out: ones }).dx;
console.log(`dx vs eval_numerical_gradient: rel_error ${relError(dx, evalNumericalGradient(loss, inputs.x)).toExponential(1)}`);
