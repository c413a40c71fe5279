import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Grader } from '../scripts/grade/grade';
import { DEFAULT_RUBRIC } from '../scripts/grade/rubric';
import { randnTensor, makeRng } from '../reference/rng';
import type { Tensors } from '../reference/tensor';
import { makeSample } from './harness/arbitraries';
import type { CaseFile } from './harness/casefile';
import { gradcheck } from './harness/cli';
import { ROOT } from './harness/fixtures';
import { describeGradcheck, gradcheck as gradcheckRow } from './harness/gradcheck';
import { findRow } from './harness/table';

const style_loss = findRow('style_loss');

const scratch = mkdtempSync(join(tmpdir(), 'gradcheck-check-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const write = (name: string, c: unknown): string => {
  const file = join(scratch, name);
  writeFileSync(file, JSON.stringify(c));
  return file;
};

const affineOracle = (): CaseFile => JSON.parse(readFileSync(join(ROOT, 'fixtures', 'oracle', 'affine', 'matrix.json'), 'utf8')) as CaseFile;

describe('check: a variable number of style_loss inputs', () => {
  it('checks two feature maps and one style target clean, reference and twin', () => {
    // By hand: G = gram(feats_1) = (1² + 2²)/(H·W·C = 2) = 2.5, residual 2.5 − 0.5 = 2, loss = 2·2² = 8;
    // dG = 2·w·residual·dloss = 8, dfeats_1 = dG·2·feats_1/2 = [8, 16]; feats_0 is no style layer: zeros.
    const file = write('two-maps.json', {
      op: 'style_loss',
      params: { style_layers: [1], style_weights: [2] },
      inputs: {
        feats_0: { shape: [1, 2, 1, 1], data: [3, -1] },
        feats_1: { shape: [1, 1, 1, 2], data: [1, 2] },
        style_targets_0: { shape: [1, 1, 1], data: [0.5] },
      },
      outputs: { loss: { shape: [], data: [8] } },
      dout: { loss: { shape: [], data: [1] } },
      grads: { dfeats_0: { shape: [1, 2, 1, 1], data: [0, 0] }, dfeats_1: { shape: [1, 1, 1, 2], data: [8, 16] } },
    });
    const r = gradcheck(['check', file]);
    expect(r.status, r.all).toBe(0);
    expect(r.stdout).toMatch(/reference: PASS[\s\S]*twin: PASS/);
  });

  it.each([
    ['L = 1', [[1, 2, 3, 2]], [0], [5]],
    [
      'L = 3',
      [
        [1, 2, 2, 3],
        [1, 3, 1, 2],
        [1, 1, 3, 1],
      ],
      [2, 0, 1],
      [0.5, 30, 2],
    ],
  ])('passes the gradient check with %s', (_, shapes, style_layers, style_weights) => {
    const rng = makeRng(`check.test:${shapes.length}`);
    const inputs: Tensors = {};
    shapes.forEach((shape, k) => {
      inputs[`feats_${k}`] = randnTensor(shape, rng);
    });
    style_layers.forEach((k, l) => {
      const C = shapes[k][1];
      inputs[`style_targets_${l}`] = randnTensor([1, C, C], rng, 0.1);
    });
    const result = gradcheckRow(style_loss, style_loss.reference, makeSample(inputs, { style_layers, style_weights }), 7);
    expect(result.ok, describeGradcheck(result)).toBe(true);
    expect(Object.keys(result.perInput)).toEqual(shapes.map((__, k) => `feats_${k}`));
  });

  it('grades a submission of style_loss (the reference, copied) with full marks on every count of maps', async () => {
    const dir = join(scratch, 'style-submission');
    mkdirSync(dir);
    for (const f of ['style_loss', 'classification', 'style', 'tensor', 'validate']) copyFileSync(join(ROOT, 'reference', `${f}.ts`), join(dir, `${f}.ts`));
    writeFileSync(join(dir, 'submission.ts'), "export { styleLossForward, styleLossBackward } from './style_loss';\n");
    const r = await new Grader(DEFAULT_RUBRIC).grade(join(dir, 'submission.ts'));
    expect(r.tests.map((t) => t.op)).toContain('style_loss');
    expect(r.tests.filter((t) => t.score !== t.maxScore)).toEqual([]);
  }, 60_000);
});

describe('check: case files that do not fit their op', () => {
  /** An oracle case file without its `dout` and `grads`: outputs only, as a golden value is written. */
  const forwardOnly = (op: string, name: string): CaseFile => {
    const { dout: _dout, grads: _grads, ...c } = JSON.parse(readFileSync(join(ROOT, 'fixtures', 'oracle', op, `${name}.json`), 'utf8')) as CaseFile;
    return c;
  };

  it.each([
    ['affine', 'matrix'],
    ['box_iou', 'ops-md-check'], // IoU 0.42, the value docs/ops.md gives
  ])('checks a forward-only %s file forward only', (op, name) => {
    const r = gradcheck(['check', write(`forward-only-${op}.json`, forwardOnly(op, name))]);
    expect(r.status, r.all).toBe(0);
    expect(r.stdout).toMatch(/reference: PASS\n  ok   out .*\n  twin: PASS\n  ok   out .*\n1 case files, all passed/);
  });

  it('fails a wrong forward-only file, naming the tensor and element', () => {
    const c = forwardOnly('box_iou', 'ops-md-check');
    c.outputs.out.data[0] = 0.43;
    const r = gradcheck(['check', write('forward-only-wrong.json', c)]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/reference: FAIL\n  FAIL out .*\n\s+worst out\[0, 0\]: got 0\.42\d* reference 0\.43[\s\S]*twin: FAIL/);
  });

  const withoutB = (): CaseFile => {
    const c = affineOracle();
    delete c.inputs.b;
    return c;
  };
  const withZ = (): CaseFile => {
    const c = affineOracle();
    c.inputs.z = { shape: [1], data: [0] };
    return c;
  };
  const styleWithGap = (): CaseFile => ({
    op: 'style_loss',
    params: { style_layers: [1], style_weights: [2] },
    inputs: { feats_0: { shape: [1, 1, 1, 1], data: [1] }, feats_2: { shape: [1, 1, 1, 1], data: [2] }, style_targets_0: { shape: [1, 1, 1], data: [0] } },
    outputs: { loss: { shape: [], data: [0] } },
  });
  const withoutGrads = (): CaseFile => ({ ...affineOracle(), grads: undefined });
  const withoutDout = (): CaseFile => ({ ...affineOracle(), dout: undefined });

  it.each([
    ['a missing input', 'missing-b.json', withoutB, 'inputs.b: missing (affine takes x, w, b)'],
    ['an unknown input', 'unknown-z.json', withZ, 'inputs.z: unknown input (affine takes x, w, b)'],
    ['a gap in the feature maps', 'gap.json', styleWithGap, 'inputs.feats_1: missing (feats_2 is given; style_loss takes feats_0, '],
    ['dout without grads', 'dout-only.json', withoutGrads, 'grads: missing (a file with "dout" needs the expected "grads")'],
    ['grads without dout', 'grads-only.json', withoutDout, 'dout: missing (a file with "grads" needs the upstream gradient "dout")'],
  ])('explains %s', (_, name, make, message) => {
    const file = write(name, make());
    const r = gradcheck(['check', file]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`gradcheck: ${file}: ${message}`);
    expect(r.all).not.toContain('TypeError');
  });
});
