import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { map } from '../accelerated/runtime/elementwise';
import { releaseGpu } from '../accelerated/runtime/device';
import { tensor, type Tensor } from '../reference/tensor';
import { twinAgreement } from './harness/agreement';
import { describeGradcheck, gradcheck } from './harness/gradcheck';
import type { OpRow } from './harness/op';
import { checkProperty, failureMessage, SUITE_SEED } from './harness/properties';
import { findRow } from './harness/table';

const affine = findRow('affine');
const relu = findRow('relu');
const softmax_loss = findRow('softmax_loss');

/** The checker can fail: a wrong backward and a wrong kernel are caught, naming tensor and element. */
afterAll(releaseGpu);

/** affine whose dw has its first element off by 1e-3 (a typical indexing slip). */
const affineWrongBackward: OpRow = {
  ...affine,
  reference: {
    forward: affine.reference.forward,
    backward: (douts, cache) => {
      const grads = affine.reference.backward!(douts, cache);
      const dw: Tensor = tensor(grads.dw.shape, grads.dw.data);
      dw.data[0] += 1e-3;
      return { ...grads, dw };
    },
  },
};

/** relu whose kernel computes leaky relu: wrong only for negative inputs. */
const reluWrongKernel: OpRow = {
  ...relu,
  twin: {
    forward: ({ x }) => ({ outputs: { out: map('relu_wrong', 'max(a, 0.01 * a)', x) }, cache: { x } }),
    backward: relu.twin!.backward,
  },
};

describe('a deliberately wrong backward', () => {
  it('fails the gradient check at dw[0, 0]', () => {
    const [sample] = fc.sample(affine.gradSample!, { seed: 1, numRuns: 1 });
    const result = gradcheck(affineWrongBackward, affineWrongBackward.reference, sample, 1);
    expect(result.ok).toBe(false);
    expect(result.worst?.input).toBe('w');
    expect(describeGradcheck(result)).toMatch(/worst at dw\[0, 0\]: numeric \S+, analytic \S+/);
  });

  it('fails the property with the shrunk case and a replay command', async () => {
    const result = await checkProperty(affineWrongBackward, 'reference', { seed: SUITE_SEED, runs: 5 });
    expect(result.ok).toBe(false);
    const message = failureMessage(result);
    expect(message).toContain('dw[0, 0]');
    expect(message).toMatch(/replay: npx gradcheck verify affine --backend reference --seed \d+ --path \S+/);
  });
});

describe('a deliberately wrong kernel', () => {
  it('disagrees with the reference on out, naming the element', async () => {
    const x = tensor([2, 3], [1, -2, 3, -4, 5, 6]);
    const a = await twinAgreement(reluWrongKernel, { inputs: { x }, params: {} }, 1);
    expect(a.ok).toBe(false);
    const out = a.comparisons.find((c) => c.name === 'out')!;
    expect(out.ok).toBe(false);
    expect(out.worst).toEqual({ index: '[1, 0]', actual: expect.closeTo(-0.04, 6), expected: 0 });
  });

  it('fails the property with a replay command', async () => {
    const result = await checkProperty(reluWrongKernel, 'webgpu', { seed: SUITE_SEED, runs: 10 });
    expect(result.ok).toBe(false);
    const message = failureMessage(result);
    expect(message).toMatch(/FAIL out\s+max abs/);
    expect(message).toMatch(/worst out\[[\d, ]+\]: got -?[\d.e-]+ reference 0/);
    expect(message).toMatch(/replay: npx gradcheck verify relu --backend webgpu --seed \d+ --path \S+/);
  });
});

describe('round-off is not an error', () => {
  // softmax_loss with one class: the loss is identically 0, so is every true gradient.
  const oneClass = { inputs: { x: tensor([3, 1], [0.3, -1.2, 2]), y: tensor([3], [0, 0, 0]) }, params: {} };
  const withBackward = (shift: (dx: Tensor) => void): OpRow => ({
    ...softmax_loss,
    reference: {
      forward: softmax_loss.reference.forward,
      backward: (douts, cache) => {
        const dx = tensor(oneClass.inputs.x.shape, softmax_loss.reference.backward!(douts, cache).dx.data);
        shift(dx);
        return { dx };
      },
    },
  });

  it('passes a backward 1e-13 off a zero gradient (float64 round-off of p − 1)', () => {
    const row = withBackward((dx) => dx.data.forEach((_, i) => (dx.data[i] += 1e-13)));
    const result = gradcheck(row, row.reference, oneClass, 1);
    expect(result.ok, describeGradcheck(result)).toBe(true);
  });

  it('still fails a backward 1e-6 off a zero gradient', () => {
    const row = withBackward((dx) => (dx.data[1] += 1e-6));
    const result = gradcheck(row, row.reference, oneClass, 1);
    expect(result.ok).toBe(false);
    expect(describeGradcheck(result)).toMatch(/worst at dx\[1, 0\]/);
  });
});
