import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tensor } from '../reference/tensor';
import { Grader, type GradeResult } from '../scripts/grade/grade';
import { DEFAULT_RUBRIC } from '../scripts/grade/rubric';
import { recordGradcheck, replayGradcheck } from '../scripts/grade/suite';
import { makeSample } from './harness/arbitraries';
import * as noMaxShift from './gallery/no_max_shift';
import { describeGradcheck } from './harness/gradcheck';
import { findRow } from './harness/table';

const softmax_loss = findRow('softmax_loss');

/**
 * Scoring rules on gallery submissions: no credit for self-consistency without a working forward,
 * the cases the course warns about (scores of ±1000, relu exactly at 0) cost the mistakes they catch,
 * and round-off alone never fails the gradient check.
 */
const gallery = (name: string) => join(__dirname, 'gallery', `${name}.ts`);
const test = (r: GradeResult, name: string) => {
  const t = r.tests.find((x) => x.name.endsWith(`: ${name}`));
  if (!t) throw new Error(`no test "${name}" in ${r.tests.map((x) => x.name).join(', ')}`);
  return t;
};

describe('grade scoring', () => {
  const grader = new Grader({ ...DEFAULT_RUBRIC, errors: 'throws' });

  it('gives a forward that returns zeros nothing, gradcheck included', async () => {
    const r = await grader.grade(gallery('zeros'));
    expect(r.score).toBe(0);
    // Self-consistent (the gradient of a constant is 0): only the forward rule denies the gradcheck points.
    expect(test(r, 'gradcheck').output).toMatch(/^0\/3 cases passed; first failure: .*no credit for a self-consistent gradient while every forward case fails/);
  });

  it('catches a softmax_loss without the max shift on the ±1000 cases, in fixtures and random cases', async () => {
    const r = await grader.grade(gallery('no_max_shift'));
    for (const name of ['fixtures forward', 'random forward']) {
      const t = test(r, name);
      expect(t.score, t.output).toBeLessThan(t.maxScore);
      expect(t.score, t.output).toBeGreaterThan(0);
      expect(t.output).toMatch(/loss\[\] is NaN/);
    }
  });

  it('catches a relu backward with the opposite convention at 0 on the cases at 0 (kink fixture and random cases)', async () => {
    const r = await grader.grade(gallery('relu_grad_at_zero'));
    for (const [name, at] of [
      ['fixtures backward', /kink-1: backward: dx\[/],
      ['random backward', /random #\d+ .*: backward: dx\[/],
    ] as const) {
      const t = test(r, name);
      expect(t.score, t.output).toBeLessThan(t.maxScore);
      expect(t.output).toMatch(at);
    }
    for (const name of ['fixtures forward', 'random forward', 'gradcheck']) {
      expect(test(r, name).score, test(r, name).output).toBe(test(r, name).maxScore);
    }
  });

  it("passes a correct backward where one class makes the loss 0 up to round-off (the grader's gradient check)", () => {
    const sample = makeSample({ x: tensor([3, 1], [0.09, -0.36, 0.6]), y: tensor([3], [0, 0, 0]) });
    const c = recordGradcheck(softmax_loss, sample, 1, 'one class');
    const outputs = c.calls.map(({ x, y }) => ({ loss: noMaxShift.softmaxLossForward(x, y).loss }));
    const { cache } = noMaxShift.softmaxLossForward(sample.inputs.x, sample.inputs.y);
    const result = replayGradcheck(softmax_loss, c, outputs, noMaxShift.softmaxLossBackward(c.douts.loss, cache));
    expect(result.worst?.numeric, 'the forward carries round-off, so the numeric gradient is not exactly 0').not.toBe(0);
    expect(result.ok, describeGradcheck(result)).toBe(true);
  });
});
