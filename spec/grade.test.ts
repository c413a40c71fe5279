import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { starterModule, writeAssignment } from '../scripts/grade/assignment';
import { Grader, type GradeResult } from '../scripts/grade/grade';
import { csvSummary, gradescopeJson, junitXml, writeReport } from '../scripts/grade/reports';
import { DEFAULT_RUBRIC, parseRubric } from '../scripts/grade/rubric';
import { FILE as WRITTEN_FILE } from './gallery/writes_file';
import { findRow } from './harness/table';

/**
 * The grading harness on a gallery of submissions (spec/gallery/): each bad behaviour scores 0 on
 * exactly the tests it breaks, with the expected one-line reason, and the harness keeps going.
 */
const gallery = (name: string) => join(__dirname, 'gallery', `${name}.ts`);
const grader = new Grader({ ...DEFAULT_RUBRIC, timeoutMs: 1500, memoryMb: 128 });
const out = mkdtempSync(join(tmpdir(), 'gradcheck-grade-test-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const byName = (r: GradeResult) => Object.fromEntries(r.tests.map((t) => [t.name.replace(/^[a-z_]+: /, ''), t]));

/** Expects the named tests to score 0 with `reason` in their output, and every other test full marks. */
function expectZeroOn(r: GradeResult, zero: string[], reason: RegExp) {
  for (const [name, t] of Object.entries(byName(r))) {
    if (zero.includes(name)) {
      expect(t.score, `${name}: ${t.output}`).toBe(0);
      expect(t.output).toMatch(reason);
    } else expect(t.score, `${name}: ${t.output}`).toBe(t.maxScore);
  }
}

const FORWARD = ['fixtures forward', 'random forward'];
const ALL = [...FORWARD, 'fixtures backward', 'random backward', 'gradcheck'];

describe('grade', () => {
  it('gives a correct submission of affine, relu, svm_loss and softmax_loss full marks', async () => {
    const r = await grader.grade(gallery('correct'));
    expect(r.tests.map((t) => t.op)).toEqual(expect.arrayContaining(['affine', 'relu', 'svm_loss', 'softmax_loss']));
    expect(r.tests.filter((t) => t.score !== t.maxScore)).toEqual([]);
    expect(r.score).toBe(100);
  });

  it('catches an off-by-one in a backward (db) by the grads and by the gradient check', async () => {
    expectZeroOn(await grader.grade(gallery('off_by_one_backward')), ['fixtures backward', 'random backward', 'gradcheck'], /db\[/);
  });

  it('catches a transposed output by its shape', async () => {
    const r = await grader.grade(gallery('transposed'));
    const t = byName(r);
    expect(t['random forward'].score).toBe(0);
    expect(t['random forward'].output).toMatch(/out has shape \[\d+, \d+\], expected/);
    expect(t['fixtures forward'].score).toBeLessThan(t['fixtures forward'].maxScore);
    expect(t.gradcheck.score).toBe(0);
    expect(t['random backward'].score).toBe(t['random backward'].maxScore);
  });

  it('scores NaN outputs 0', async () => {
    const t = byName(await grader.grade(gallery('nan')));
    for (const name of FORWARD) {
      expect(t[name].score).toBe(0);
      expect(t[name].output).toMatch(/out\[[\d, ]+\] is NaN/);
    }
    expect(t['random backward'].score).toBe(t['random backward'].maxScore);
  });

  it('scores a submission that throws 0 with its message', async () => {
    expectZeroOn(await grader.grade(gallery('throws')), ALL, /threw: I ran out of time/);
  });

  it('times out an infinite loop, once per test group', async () => {
    const r = await grader.grade(gallery('infinite_loop'));
    expectZeroOn(r, ALL, /never returned: timed out after 1500 ms/);
    expect(r.seconds).toBeLessThan(15);
  });

  it('catches a forward that mutates its input', async () => {
    const t = byName(await grader.grade(gallery('mutates_input')));
    for (const name of [...FORWARD, 'fixtures backward', 'random backward']) {
      expect(t[name].score).toBe(0);
      expect(t[name].output).toMatch(/mutated its input x\[flat \d+\]: was -?[\d.e-]+, now 0/);
    }
  });

  it('stops a submission that allocates without bound', async () => {
    expectZeroOn(await grader.grade(gallery('unbounded_memory')), ALL, /exhausted memory \(limit 128 MB\)/);
  });

  it('denies writing a file', async () => {
    rmSync(WRITTEN_FILE, { force: true });
    expectZeroOn(await grader.grade(gallery('writes_file')), ALL, /denied by the sandbox/);
    expect(existsSync(WRITTEN_FILE)).toBe(false);
  });

  it('grades error inputs when the rubric asks, by exact message', async () => {
    const strict = new Grader({ ...DEFAULT_RUBRIC, ops: { affine: 10 }, errors: 'message', randomCases: 1, gradcheckCases: 1 });
    const t = byName(await strict.grade(gallery('correct')));
    // The gallery's affine does no input checks: it accepts bad inputs or fails with its own message.
    expect(t.errors.score).toBeLessThan(t.errors.maxScore);
    expect(t.errors.output).toMatch(/x of rank 1|w rows differ|NaN in x/);
  });

  it('scores a missing op, an unloadable module and the starter module 0 with a reason', async () => {
    const withOps = new Grader({ ...DEFAULT_RUBRIC, ops: { relu: 10, affine: 10 }, randomCases: 2, gradcheckCases: 1 });
    const missing = byName(await withOps.grade(gallery('nan')));
    expect(missing.exports).toMatchObject({ score: 0, maxScore: 10, output: 'exports no affineForward' });

    const broken = join(out, 'broken.ts');
    writeReport(broken, 'export function reluForward(x {\n');
    const load = await withOps.grade(broken);
    expect(load.score).toBe(0);
    expect(load.tests[0].output).toMatch(/^does not compile: .*broken\.ts:1/);

    const [starter] = writeAssignment([findRow('relu'), findRow('affine')], join(out, 'assignment'), false);
    const r = await withOps.grade(starter);
    expect(r.score).toBe(0);
    expect(r.tests.every((t) => /threw: not implemented: (relu|affine)Forward/.test(t.output))).toBe(true);
  });

  it('writes Gradescope JSON, JUnit XML and a CSV summary', async () => {
    const results = [await grader.grade(gallery('correct')), await grader.grade(gallery('throws'))];
    const json = JSON.parse(gradescopeJson(results[1]));
    expect(json.score).toBe(0);
    expect(json.tests[0]).toMatchObject({ name: 'svm_loss: fixtures forward', score: 0, max_score: 20 });
    expect(json.tests[0].output).toMatch(/threw/);
    const xml = junitXml(results);
    expect(xml.match(/<testcase /g)).toHaveLength(results[0].tests.length + results[1].tests.length);
    expect(xml.match(/<failure /g)).toHaveLength(5);
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites>/);
    const csv = csvSummary(results).trim().split('\n');
    expect(csv[0]).toBe('submission,score,max_score,affine,relu,svm_loss,softmax_loss,seconds');
    expect(csv[2]).toMatch(/throws\.ts,0,100,0,0,0,0,/);
  });

  it('grades 20 submissions of 4 ops in under a minute', async () => {
    const dir = join(out, 'class');
    mkdirSync(dir, { recursive: true });
    for (let i = 1; i <= 20; i++) copyFileSync(gallery('correct'), join(dir, `student${i}.ts`));
    const started = performance.now();
    const fresh = new Grader(DEFAULT_RUBRIC);
    for (let i = 1; i <= 20; i++) {
      const r = await fresh.grade(join(dir, `student${i}.ts`));
      expect(r.score).toBe(100);
    }
    expect((performance.now() - started) / 1000).toBeLessThan(60);
  });
});

describe('grade --twin', () => {
  const twins = new Grader({ ...DEFAULT_RUBRIC, errors: 'message', timeoutMs: 1500, memoryMb: 128 }, { twin: true });

  it("gives the suite's own relu and affine twins full marks, errors included, with no gradcheck test", async () => {
    const r = await twins.grade(gallery('twin_correct'));
    expect(new Set(r.tests.map((t) => t.op))).toEqual(new Set(['affine', 'relu']));
    expect(r.tests.filter((t) => t.score !== t.maxScore)).toEqual([]);
    expect(r.tests.map((t) => t.check)).not.toContain('gradcheck');
    expect(r.score).toBe(100);
  });

  it('catches a wrong kernel (leaky relu) on the forward tests, naming tensor and element', async () => {
    const t = byName(await twins.grade(gallery('twin_wrong_kernel')));
    for (const name of FORWARD) {
      expect(t[name].score).toBe(0);
      expect(t[name].output).toMatch(/^0\/\d+ cases passed; first failure: .*forward: out\[[\d, ]+\] = -[\d.e-]+, expected 0 \(atol/);
    }
    expect(t['random backward'].score).toBe(t['random backward'].maxScore);
    expect(t['fixtures backward'].score).toBe(t['fixtures backward'].maxScore);
  });

  it('times out a twin that never returns', async () => {
    const r = await new Grader({ ...DEFAULT_RUBRIC, timeoutMs: 1500 }, { twin: true }).grade(gallery('twin_infinite_loop'));
    expectZeroOn(r, [...FORWARD, 'fixtures backward', 'random backward'], /never returned: timed out after 1500 ms/);
  });
});

describe('rubric and assignment', () => {
  it('parses a rubric, naming the field at fault', () => {
    expect(parseRubric({ ops: ['affine', 'relu'], total: 50 }).ops).toEqual({ affine: 25, relu: 25 });
    expect(() => parseRubric({ ops: { conv9: 3 } })).toThrow(/unknown op "conv9"/);
    expect(() => parseRubric({ checks: { speed: 1 } })).toThrow(/"checks.speed" is not a check/);
    expect(() => parseRubric({ timeout: 5 })).toThrow(/unknown field "timeout"/);
  });

  it('writes a starter with the reference signatures, formulas and cache types', () => {
    const text = starterModule([findRow('svm_loss')]);
    expect(text).toContain('export function svmLossNaiveForward(x: Tensor, y: Tensor): { loss: Tensor; cache: LossCache } {');
    expect(text).toContain("throw new Error('not implemented: svmLossVectorizedBackward');");
    expect(text).toContain('export interface LossCache');
    expect(text).toMatch(/L = \(1\/N\) Σᵢ/);
    const dir = join(out, 'svm');
    writeAssignment([findRow('svm_loss')], dir, 'throws');
    expect(JSON.parse(readFileSync(join(dir, 'rubric.json'), 'utf8'))).toMatchObject({ ops: { svm_loss: 100 }, errors: 'throws' });
  });
});
