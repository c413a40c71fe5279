import { afterAll, expect, it } from 'vitest';
import { releaseGpu } from '../accelerated/runtime/device';
import { scalar, tensor } from '../reference/tensor';
import { BCE_EXTREME } from './bce_with_logits';
import { findRow } from './harness/table';
import { runReference, runTwin } from './harness/twin';

const bce_with_logits = findRow('bce_with_logits');

/**
 * bce_with_logits at |x| = 1000 (docs/ops.md: finite there), against values known by hand: with
 * e^(−1000) = 0 each term is max(x, 0) − x·y exactly, and dx = (σ(x) − y)/n with σ(±1000) = 1, 0.
 */
afterAll(releaseGpu);

const tail = 0.125 + Math.log1p(Math.exp(-0.25)); // x = −0.25, y = 0.5
const expectedLoss = (0 + 0 + 1000 + 1000 + 749.625 + tail) / 6;
const sigmoidOfMinusQuarter = 1 / (1 + Math.exp(0.25));
const expectedDx = [0, 0, 1, -1, 0.75, sigmoidOfMinusQuarter - 0.5].map((v) => v / 6);
const dloss = { loss: scalar(1) };

it('bce_with_logits reference is finite and exact at |x| = 1000', () => {
  const { outputs, grads } = runReference(bce_with_logits.reference, BCE_EXTREME, dloss);
  expect(outputs.loss.data[0]).toBeCloseTo(expectedLoss, 12);
  expect(Array.from(grads!.dx.data)).toEqual(expectedDx.map((v) => expect.closeTo(v, 14)));
});

it('bce_with_logits twin is finite and exact to float32 tolerance at |x| = 1000', async () => {
  const { outputs, grads } = await runTwin(bce_with_logits, BCE_EXTREME, dloss);
  expect(Math.abs(outputs.loss.data[0] - expectedLoss)).toBeLessThan(1e-4 * expectedLoss);
  grads!.dx.data.forEach((v, i) => expect(Math.abs(v - expectedDx[i])).toBeLessThan(1e-6));
});

it('bce_with_logits twin keeps the tail log1p(e^(−|x|)) where 1 + e^(−|x|) rounds to 1 in float32', async () => {
  const x = tensor([2], [20, -20]);
  const { outputs } = await runTwin(bce_with_logits, { inputs: { x, y: tensor([2], [1, 0]) }, params: {} });
  const exact = Math.log1p(Math.exp(-20)); // 2.06e-9 per element: lost entirely by log(1 + u) in float32
  expect(Math.abs(outputs.loss.data[0] - exact) / exact).toBeLessThan(1e-4);
});
