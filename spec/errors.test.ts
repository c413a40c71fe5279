import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { releaseGpu } from '../accelerated/runtime/device';
import { formatShape, tensor, type Tensors } from '../reference/tensor';
import { referenceRun } from './harness/agreement';
import type { OpRow, Sample } from './harness/op';
import { SUITE_SEED } from './harness/properties';
import { TABLE } from './harness/table';
import { rejectedOnDevice, runReference, runTwin } from './harness/twin';

/**
 * Per row: each bad input raises its exact message from the reference (and its variants). A twin
 * must reject shape and parameter errors itself, called directly on the uploaded inputs with no host
 * checks (as the twin grader calls it); value errors (NaN, labels out of range) are the host
 * checks' job before upload by design, so for them it is the host checks that are tested. And
 * every backward, reference and twin, rejects an upstream gradient of the wrong shape.
 */
afterAll(releaseGpu);

/** Matches only an error whose message is exactly `message` (toThrow(string) matches a substring). */
const exactly = (message: string) => expect.objectContaining({ message });

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

interface WrongDout {
  sample: Sample;
  /** The differentiated output whose upstream gradient is wrong. */
  output: string;
  douts: Tensors;
  /** e.g. affine_backward: dout: expected shape [4, 16] (N and M from the forward pass), got [4, 16, 2]; the parenthesis is the op's own wording. */
  message: RegExp;
}

/** Per output the backward differentiates: a valid case's upstream gradients with that one given an extra trailing axis. */
function wrongShapedDouts(row: OpRow): WrongDout[] {
  const [sample] = fc.sample(row.gradSample ?? row.sample, { seed: SUITE_SEED, numRuns: 1 });
  const { douts } = referenceRun(row, sample, SUITE_SEED);
  return Object.entries(douts).map(([output, d]) => {
    const bad = [...d.shape, 2];
    const expected = escapeRegExp(`${row.id}_backward: d${output}: expected shape ${formatShape(d.shape)}`);
    const message = new RegExp(`^${expected} \\([^()]*\\), got ${escapeRegExp(formatShape(bad))}$`);
    return { sample, output, douts: { ...douts, [output]: tensor(bad) }, message };
  });
}

describe.each(TABLE.map((row) => [row.id, row] as const))('%s', (_, row) => {
  it('lists error inputs', () => expect(row.errors.length).toBeGreaterThan(0));

  it.each(row.errors.map((e) => [e.title, e] as const))('reference rejects %s', (_, e) => {
    expect(() => row.reference.forward(e.sample.inputs, e.sample.params)).toThrow(exactly(e.message));
    for (const variant of Object.values(row.variants ?? {})) {
      expect(() => variant.forward(e.sample.inputs, e.sample.params)).toThrow(exactly(e.message));
    }
  });

  if (row.twin) {
    const onDevice = row.errors.filter((e) => rejectedOnDevice(row, e));
    const hostOnly = row.errors.filter((e) => !onDevice.includes(e));
    it.each(onDevice.map((e) => [e.title, e] as const))('twin itself rejects %s (shape or parameter error)', async (_, e) => {
      await expect(runTwin(row, e.sample, undefined, row.twin, { hostChecks: false })).rejects.toThrow(exactly(e.message));
    });
    it.each(hostOnly.map((e) => [e.title, e] as const))('host checks reject %s before upload (value error, not claimed for the twin)', async (_, e) => {
      await expect(runTwin(row, e.sample)).rejects.toThrow(exactly(e.message));
    });
  }

  if (row.reference.backward) {
    for (const w of wrongShapedDouts(row)) {
      it(`reference backward rejects d${w.output} of the wrong shape`, () => {
        expect(() => runReference(row.reference, w.sample, w.douts)).toThrow(w.message);
        for (const variant of Object.values(row.variants ?? {}).filter((v) => v.backward)) {
          expect(() => runReference(variant, w.sample, w.douts)).toThrow(w.message);
        }
      });
      if (row.twin?.backward) {
        it(`twin backward rejects d${w.output} of the wrong shape`, async () => {
          await expect(runTwin(row, w.sample, w.douts)).rejects.toThrow(w.message);
        });
      }
    }
  }
});
