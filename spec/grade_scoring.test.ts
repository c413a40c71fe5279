import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Grader, type GradeResult } from '../scripts/grade/grade';
import { DEFAULT_RUBRIC } from '../scripts/grade/rubric';

/**
 * Scoring rules on gallery submissions: no credit for self-consistency without a working forward,
 * and the cases the course warns about (scores of ±1000, relu exactly at 0) cost the mistakes they catch.
 */
const gallery = (name: string) => join(__dirname, 'gallery', `${name}.ts`);
const test = (r: GradeResult, name: string) => {
  const t = r.tests.find((x) => x.name.endsWith(`: ${name}`));
  if (!t) throw new Error(`no test "${name}" in ${r.tests.map((x) => x.name).join(', ')}`);
  return t;
};

describe('grade scoring', () => {
  const grader = new Grader({ ...DEFAULT_RUBRIC, errors: 'throws' });

  it('gives a forward that returns zeros nothing, gradcheck and errors included', async () => {
    const r = await grader.grade(gallery('zeros'));
    expect(r.score).toBe(0);
    for (const name of ['gradcheck', 'errors']) {
      expect(test(r, name).output).toMatch(/no credit for .* while every forward case fails/);
    }
  });

  it('catches a softmax_loss without the max shift on the ±1000 cases, in fixtures and random cases', async () => {
    const r = await grader.grade(gallery('no-max-shift'));
    for (const name of ['fixtures forward', 'random forward']) {
      const t = test(r, name);
      expect(t.score, t.output).toBeLessThan(t.maxScore);
      expect(t.score, t.output).toBeGreaterThan(0);
      expect(t.output).toMatch(/loss\[\] is NaN/);
    }
  });

  it('catches a relu backward with the opposite convention at 0 on the kink fixture only', async () => {
    const r = await grader.grade(gallery('relu-grad-at-zero'));
    const backward = test(r, 'fixtures backward');
    expect(backward.score).toBeLessThan(backward.maxScore);
    expect(backward.output).toMatch(/kink-1: backward: dx\[/);
    for (const name of ['fixtures forward', 'random forward', 'random backward', 'gradcheck']) {
      expect(test(r, name).score, test(r, name).output).toBe(test(r, name).maxScore);
    }
  });
});
