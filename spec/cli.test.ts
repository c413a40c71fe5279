import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gradcheck } from './harness/cli';
import { COLUMNS } from './harness/op';
import { ROOT } from './harness/fixtures';

const scratch = mkdtempSync(join(tmpdir(), 'gradcheck-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('ops', () => {
  it('--json lists every row with every column filled or a reason', () => {
    const r = gradcheck(['ops', '--json']);
    expect(r.status).toBe(0);
    const rows = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    expect(rows.map((row) => row.op)).toEqual(expect.arrayContaining(['affine', 'relu', 'svm_loss', 'softmax_loss']));
    for (const row of rows) {
      const empty = COLUMNS.filter((c) => row[c] !== true);
      expect(
        empty.filter((c) => !String(row.reason ?? '').includes(`${c}:`)),
        `${row.op} has empty columns without a reason`,
      ).toEqual([]);
    }
  });

  it('prints a table', () => {
    const r = gradcheck(['ops']);
    expect(r.stdout).toMatch(/^op\s+ref_fwd\s+ref_bwd\s+gradcheck\s+twin_fwd\s+twin_bwd\s+property\s+fixture\s+oracle/);
    expect(r.stdout).toMatch(/^affine\s+(✓\s+){8}$/m);
  });
});

describe('verify', () => {
  it('passes affine on the twin with per-tensor max errors and the seed', () => {
    const r = gradcheck(['verify', 'affine', '--backend', 'webgpu', '--runs', '20']);
    expect(r.status, r.all).toBe(0);
    for (const name of ['out', 'dx', 'dw', 'db']) expect(r.stdout).toMatch(new RegExp(`^  ${name}\\s+max abs \\S+\\s+max rel \\S+$`, 'm'));
    expect(r.stdout).toContain('PASS (20 runs; replay: npx gradcheck verify affine --backend webgpu --seed 20261123)');
  });

  it('runs the gradient check on the reference backend', () => {
    const r = gradcheck(['verify', 'svm_loss', '--backend', 'reference', '--runs', '5', '--seed', '7']);
    expect(r.status, r.all).toBe(0);
    expect(r.stdout).toMatch(/reference dx rel_error\s+max abs/);
    expect(r.stdout).toMatch(/vectorized loss\s+max abs/);
  });

  it("catches a user's wrong kernel given with --kernel and prints the replay", () => {
    const kernel = join(scratch, 'my-relu.mts'); // .mts: an ES module wherever it lies
    writeFileSync(
      kernel,
      `import { map } from '${join(ROOT, 'accelerated', 'runtime', 'elementwise')}';
export function reluForward(x) { return { out: map('my_relu', 'abs(a)', x), cache: { x } }; }
export function reluBackward(dout, cache) { return { dx: map('my_relu_bwd', 'select(0.0, b, a > 0.0)', cache.x, dout) }; }
`,
    );
    const r = gradcheck(['verify', 'relu', '--backend', 'webgpu', '--runs', '10', '--kernel', kernel]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/FAIL out\s+max abs/);
    expect(r.stdout).toMatch(/replay: npx gradcheck verify relu --backend webgpu --seed \d+ --path \S+ --kernel /);
  });

  it('names unknown ops', () => {
    const r = gradcheck(['verify', 'no_such_op']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('unknown op "no_such_op"; known ops: affine, relu');
  });

  it('says in one sentence how to fix a missing adapter', () => {
    const r = gradcheck(['verify', 'relu', '--backend', 'webgpu', '--runs', '1'], { VK_ICD_FILENAMES: join(scratch, 'no-such-icd.json') });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/gradcheck: No WebGPU adapter could be found \(tried [^)]+\): run `npm run setup` to install/);
  });
});

describe('check', () => {
  it('passes a committed oracle case', () => {
    const r = gradcheck(['check', join('fixtures', 'oracle', 'affine', 'matrix.json')]);
    expect(r.status, r.all).toBe(0);
    expect(r.stdout).toMatch(/reference: PASS[\s\S]*twin: PASS/);
  });

  it('fails a tampered case, naming the tensor and element', () => {
    const c = JSON.parse(readFileSync(join(ROOT, 'fixtures', 'oracle', 'svm_loss', 'small.json'), 'utf8'));
    c.grads.dx.data[4] += 0.5;
    const file = join(scratch, 'tampered.json');
    writeFileSync(file, JSON.stringify(c));
    const r = gradcheck(['check', file]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/reference: FAIL[\s\S]*worst dx\[1, 1\]: got \S+ reference \S+/);
  });

  it('explains a malformed case file', () => {
    const file = join(scratch, 'bad.json');
    writeFileSync(file, JSON.stringify({ op: 'relu', inputs: { x: { shape: [2, 2], data: [1, 2, 3] } }, outputs: {} }));
    const r = gradcheck(['check', file]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('inputs.x: expected {"shape": [...], "data": [...]} with as many numbers as the shape holds');
  });
});

it.each(['ops', 'verify', 'check', 'fixtures'])('%s --help', (command) => {
  const r = gradcheck([command, '--help']);
  expect(r.status).toBe(0);
  expect(r.stdout).toContain(`Usage: gradcheck ${command}`);
});

it('assignment writes a starter for every op that type-checks on its own', () => {
  const ops = (JSON.parse(gradcheck(['ops', '--json']).stdout) as Array<{ op: string }>).map((r) => r.op);
  const out = join(scratch, 'assignment');
  const r = gradcheck(['assignment', ...ops, '--out', out]);
  expect(r.status, r.all).toBe(0);
  const tsc = spawnSync(
    process.execPath,
    [
      join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'),
      '--noEmit',
      '--strict',
      '--target',
      'ES2022',
      '--module',
      'ESNext',
      '--moduleResolution',
      'Bundler',
      '--skipLibCheck',
      join(out, 'submission.ts'),
    ],
    { encoding: 'utf8' },
  );
  expect(tsc.stdout + tsc.stderr).toBe('');
  expect(tsc.status).toBe(0);
});

describe('train', () => {
  it('trains a model with its fixture, prints each epoch and the metric against its target, exits 0 when it is met', () => {
    const r = gradcheck(['train', 'linear_svm', '--epochs', '2', '--out', scratch]);
    expect(r.status, r.all).toBe(0);
    expect(r.stdout).toMatch(/^epoch 2: lr .* val acc \d+\.\d+%/m);
    expect(r.stdout).toMatch(/^linear_svm \(reference\): test accuracy \d+\.\d+% \(target ≥ 87\.00%\), [\d.]+ s \(CPU [\d.]+ s\) — PASS$/m);
  });

  it('exits 1 and says MISSED when a check is missed (style transfer stopped after one step)', () => {
    const r = gradcheck(['train', 'style_transfer', '--epochs', '1', '--out', scratch]);
    expect(r.status, r.all).toBe(1);
    expect(r.stdout).toMatch(/^style_transfer \(reference\): loss drop [\d.]+ \(target ≥ 10\.00\), .* — MISSED$/m);
    expect(r.stdout).toContain(`wrote ${join(scratch, 'style_transfer_reference.png')}`);
  });

  it('names the models it knows when given another', () => {
    const r = gradcheck(['train', 'resnet50']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/value 'resnet50' is invalid for argument 'model'\. Allowed choices are knn, linear_softmax, .*captioning_transformer\./);
  });
});
