import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as api from '../lib/index';
import { tensor, type Tensor, type Tensors } from '../reference/tensor';
import { ROOT } from './harness/fixtures';
import { TABLE } from './harness/table';

/**
 * The package as a user gets it: `npm pack` (which builds dist/ through prepack) into a temp
 * folder, the tarball unpacked where `npm install` puts it in a fresh ESM project, and beside it
 * only the package's declared dependencies, linked from this checkout's node_modules (no network,
 * no npm cache: CI's `npm ci` is all there is). Then plain Node runs the README's example and
 * TypeScript (node16 resolution, strict) type-checks a consumer, both through `exports`/`types`.
 */
const EXAMPLE = join(ROOT, 'examples', 'affine.mjs');
const project = mkdtempSync(join(tmpdir(), 'gradcheck-package-'));
afterAll(() => rmSync(project, { recursive: true, force: true }));

const run = (command: string, args: string[], cwd = project, timeout = 120_000) => {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', timeout });
  return { status: r.status, stdout: r.stdout, all: `${r.stdout}${r.stderr}${r.error ? String(r.error) : ''}` };
};
/** A script run as an ESM module in the temp project; one that keeps Node alive (an open device) fails after 60 s. */
const node = (script: string) => run(process.execPath, ['--input-type=module', '-e', script], project, 60_000);

describe('the packed package', () => {
  beforeAll(() => {
    const packed = run('npm', ['pack', '--pack-destination', project, '--silent'], ROOT);
    expect(packed.status, packed.all).toBe(0);
    const tarball = join(
      project,
      readdirSync(project).find((f) => f.endsWith('.tgz'))!,
    );
    const installed = join(project, 'node_modules', 'gradcheck-ts');
    mkdirSync(installed, { recursive: true });
    const untar = run('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1']);
    expect(untar.status, untar.all).toBe(0);
    const { dependencies } = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    for (const dep of Object.keys(dependencies)) {
      mkdirSync(join(project, 'node_modules', dep, '..'), { recursive: true });
      symlinkSync(join(ROOT, 'node_modules', dep), join(project, 'node_modules', dep), 'dir');
    }
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    copyFileSync(EXAMPLE, join(project, 'affine.mjs'));
  }, 180_000);

  it('holds the built library with its declarations, and the command line with what it reads, but no tests', () => {
    const files = run('find', ['node_modules/gradcheck-ts', '-type', 'f']).stdout.split('\n').filter(Boolean);
    expect(files).toContain('node_modules/gradcheck-ts/dist/index.js');
    expect(files).toContain('node_modules/gradcheck-ts/dist/types/lib/index.d.ts');
    expect(files).toContain('node_modules/gradcheck-ts/scripts/cli.ts');
    expect(files).toContain('node_modules/gradcheck-ts/fixtures/reference/affine/edge-1.json');
    expect(files.filter((f) => f.endsWith('.test.ts'))).toEqual([]);
  });

  it("runs the installed `gradcheck` command (the package's bin) with its production dependencies only", () => {
    const { bin } = JSON.parse(readFileSync(join(project, 'node_modules', 'gradcheck-ts', 'package.json'), 'utf8')) as { bin: Record<string, string> };
    const cli = join(project, 'node_modules', 'gradcheck-ts', bin.gradcheck);
    const ops = run(process.execPath, [cli, 'ops', '--json']);
    expect(ops.status, ops.all).toBe(0);
    expect((JSON.parse(ops.stdout) as { op: string }[]).map((r) => r.op)).toEqual(TABLE.map((r) => r.id));
    const check = run(process.execPath, [
      cli,
      'check',
      '--no-twin',
      join(project, 'node_modules', 'gradcheck-ts', 'fixtures', 'reference', 'affine', 'edge-1.json'),
    ]);
    expect(check.status, check.all).toBe(0);
  });

  it("runs the README's example from plain Node: a correct backward passes, a broken one fails naming its input", () => {
    const r = run(process.execPath, ['affine.mjs']);
    expect(r.status, r.all).toBe(0);
    expect(r.stdout).toMatch(/^affine: ok \(max rel_error per input: x \S+, w \S+, b \S+\)$/m);
    expect(r.stdout).toMatch(/^affine with a bug in db: FAIL \(max rel_error per input: x 0\.0e\+0, w 0\.0e\+0, b [1-9]\S*e-1\)$/m);
    expect(r.stdout).toMatch(/^ {2}worst at db\[\d\]: numeric \S+, analytic \S+$/m);
    const cs231n = /^dx vs eval_numerical_gradient: rel_error (\S+)$/m.exec(r.stdout);
    expect(Number(cs231n?.[1])).toBeLessThan(1e-7);
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8'), 'the README shows what the example prints').toContain(`\`\`\`\n${r.stdout}\`\`\``);
  });

  it('opens no WebGPU device on import; verifyTwin opens one, checks the twin or a kernel module, and destroys the device', () => {
    const r = node(`
      import * as api from 'gradcheck-ts';
      const ops = api.opTable();
      console.log('device before', 'GPUBufferUsage' in globalThis);
      console.log('ops', ops.length, ops.find((o) => o.id === 'conv2d').params.join(' '), Object.isFrozen(ops[0].inputs));
      const twin = await api.verifyTwin('relu', { runs: 3 });
      let gpu;
      const identity = { reluForward: (x) => ((gpu = x.gpu), { out: x, cache: {} }) };
      const wrong = await api.verifyTwin('relu', { runs: 3, kernel: identity });
      const lost = await Promise.race([gpu.device.lost.then((info) => info.reason), new Promise((r) => setTimeout(() => r('open'), 5000))]);
      console.log('device after', 'GPUBufferUsage' in globalThis, twin.ok, wrong.ok, lost);
    `);
    expect(r.status, r.all).toBe(0);
    expect(r.stdout).toContain('device before false');
    expect(r.stdout).toMatch(/^ops \d{2,} dilation groups pad stride true$/m);
    expect(r.stdout).toContain('device after true true false destroyed');
  });

  it('gives TypeScript its types through exports (strict, node16 resolution, the example checked as JS)', () => {
    writeFileSync(
      join(project, 'consumer.ts'),
      `import { gradcheck, readCaseFile, tensor, type CaseFile, type GradcheckResult } from 'gradcheck-ts';
const r: GradcheckResult = gradcheck(({ x }) => ({ outputs: { y: x }, backward: ({ y }) => ({ dx: y }) }), { x: tensor([2], [1, 2]) });
const c: CaseFile = readCaseFile('case.json');
// @ts-expect-error fn must be a function
gradcheck(42, {});
// @ts-expect-error perInput holds numbers
const worst: string = r.perInput.x;
export { c, worst };
`,
    );
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { module: 'node16', target: 'es2022', strict: true, noEmit: true, allowJs: true, checkJs: true },
        files: ['consumer.ts', 'affine.mjs'],
      }),
    );
    const r = run(process.execPath, [join(project, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.']);
    expect(r.status, r.all).toBe(0);
  });
});

it('the README shows examples/affine.mjs as it is', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  expect(readme).toContain(`\`\`\`js\n${readFileSync(EXAMPLE, 'utf8')}\`\`\``);
});

/** y = x² elementwise and s = Σ x, with their backward; `wrong` scales dx[0, 1] by 1.5, `ignoresS` leaves out ds's term. */
const square =
  ({ wrong = false, ignoresS = false } = {}): api.Differentiable =>
  ({ x }) => ({
    outputs: {
      y: tensor(
        x.shape,
        x.data.map((v) => v * v),
      ),
      s: tensor([], [x.data.reduce((a, v) => a + v, 0)]),
    },
    backward: ({ y: dy, s: ds }) => ({
      dx: tensor(
        x.shape,
        x.data.map((v, i) => (2 * v * dy.data[i] + (ignoresS ? 0 : ds.data[0])) * (wrong && i === 1 ? 1.5 : 1)),
      ),
    }),
  });
const x = tensor([2, 2], [0.5, -1.25, 2, 0.75]);

describe('the library API (lib/, unpacked)', () => {
  it("gradcheck passes a correct backward and names a wrong one's input and element", () => {
    const good = api.gradcheck(square(), { x });
    expect(good.ok).toBe(true);
    expect(Object.keys(good.perInput)).toEqual(['x']);
    const bad = api.gradcheck(square({ wrong: true }), { x });
    expect(bad.ok).toBe(false);
    expect(bad.worst).toMatchObject({ input: 'x', index: '[0, 1]' });
    expect(bad.worst!.analytic / bad.worst!.numeric).toBeCloseTo(1.5, 6);
  });

  it('gradcheck checks only the inputs in wrt, and gives a dout only to gradOutputs', () => {
    const labelled: api.Differentiable = ({ x }) => square()({ x }); // labels only pass through
    const labels = tensor([2], [1, 0]);
    expect(() => api.gradcheck(labelled, { x, labels })).toThrow("gradcheck: backward's dlabels must be a tensor { shape, data: Float64Array }, got undefined");
    expect(api.gradcheck(labelled, { x, labels }, { wrt: ['x'] }).perInput).toEqual({ x: expect.any(Number) });
    // A backward that ignores s is right only when s gets no upstream gradient.
    const ignoresS = square({ ignoresS: true });
    expect(api.gradcheck(ignoresS, { x }).ok).toBe(false);
    expect(api.gradcheck(ignoresS, { x }, { gradOutputs: ['y'] }).ok).toBe(true);
  });

  it('gradcheck refuses bad arguments, naming the argument, the expected and the actual', () => {
    const cases: Array<[() => unknown, string]> = [
      [() => api.gradcheck(42 as never, { x }), 'gradcheck: fn must be a function, got 42'],
      [() => api.gradcheck(square(), {}), 'gradcheck: inputs must be an object of named tensors, got none'],
      [
        () => api.gradcheck(square(), { x: { shape: [2], data: [1, 2] } as never }),
        'gradcheck: inputs.x.data must be a Float64Array (see tensor(shape, values)), got an array of 2',
      ],
      [() => api.gradcheck(square(), { x: { shape: [3], data: new Float64Array(2) } }), 'gradcheck: inputs.x.data must be 3 numbers for shape [3], got 2'],
      [() => api.gradcheck(square(), { x }, { wrt: ['w'] }), 'gradcheck: options.wrt must be names of inputs (x), got "w"'],
      [() => api.gradcheck(square(), { x }, { wrt: [] }), 'gradcheck: options.wrt must be at least one input to check, got none'],
      [() => api.gradcheck(square(), { x }, { gradOutputs: ['z'] }), 'gradcheck: options.gradOutputs must be names of fn\'s outputs (y, s), got "z"'],
      [() => api.gradcheck(square(), { x }, { threshold: 0 }), 'gradcheck: options.threshold must be a positive number, got 0'],
      [() => api.gradcheck(() => ({ outputs: { y: x } }) as never, { x }), "gradcheck: fn's backward must be a function, got undefined"],
      [
        () => api.gradcheck(({ x: v }) => ({ outputs: { y: v }, backward: () => ({ dx: tensor([4]) }) }), { x }),
        "gradcheck: backward's dx.shape must be [2, 2] (as x), got [4]",
      ],
    ];
    for (const [call, message] of cases) expect(call).toThrow(new TypeError(message));
  });

  it("evalNumericalGradient is cs231n's: centered differences of a scalar f, x restored", () => {
    const before = Array.from(x.data);
    const seen: number[] = [];
    const f = (t: Tensor) => {
      seen.push(t.data[0]);
      return t.data.reduce((a, v) => a + v ** 3, 0);
    };
    const h = 1e-3;
    const grad = api.evalNumericalGradient(f, x, h);
    // (v+h)³ − (v−h)³ over 2h is 3v² + h², exactly what centered differences give a cubic.
    expect(Array.from(grad.data)).toEqual(before.map((v) => expect.closeTo(3 * v * v + h * h, 9)));
    expect(seen.slice(0, 2)).toEqual([before[0] + h, before[0] - h]);
    expect(Array.from(x.data)).toEqual(before);
    expect(() => api.evalNumericalGradient(() => tensor([]) as never, x)).toThrow(
      new TypeError("evalNumericalGradient: f's result must be a number (a scalar loss), got an object"),
    );
    expect(() => api.evalNumericalGradient(f, x, 0)).toThrow(new TypeError('evalNumericalGradient: h must be a positive finite step, got 0'));
  });

  it("relError is cs231n's rel_error: the max over elements of |x − y| / max(1e-8, |x| + |y|)", () => {
    expect(api.relError(1, 1.5)).toBe(0.5 / 2.5);
    expect(api.relError(0, 1e-12)).toBe(1e-12 / 1e-8);
    expect(api.relError(tensor([2], [1, 3]), tensor([2], [1, 1]))).toBe(2 / 4);
    expect(() => api.relError(tensor([2]), tensor([1, 2]))).toThrow(new TypeError("relError: y must be of x's shape [2], got [1, 2]"));
  });

  it('writes a case file the reference made, reads it back, and refuses one that does not fit its op', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gradcheck-cases-'));
    try {
      const inputs: Tensors = { x: tensor([2, 3], [1, -2, 3, 0.5, 4, -1]), w: tensor([3, 2], [1, 0, 0, 1, 1, 1]), b: tensor([2], [0.5, -0.5]) };
      const made = api.makeCaseFile('affine', inputs, {}, 3);
      expect(made.outputs.out.data).toEqual([1 + 3 + 0.5, -2 + 3 - 0.5, 0.5 - 1 + 0.5, 4 - 1 - 0.5]); // x·w + b by hand
      api.writeCaseFile(join(dir, 'affine.json'), made);
      expect(api.readCaseFile(join(dir, 'affine.json'))).toEqual(made);
      const { b: _b, ...noBias } = made.inputs;
      expect(() => api.writeCaseFile(join(dir, 'bad.json'), { ...made, inputs: noBias })).toThrow(
        `writeCaseFile: ${join(dir, 'bad.json')}: inputs.b: missing (affine takes x, w, b)`,
      );
      writeFileSync(join(dir, 'bad.json'), api.serializeCase({ ...made, inputs: noBias }));
      expect(() => api.readCaseFile(join(dir, 'bad.json'))).toThrow(`${join(dir, 'bad.json')}: inputs.b: missing (affine takes x, w, b)`);
      writeFileSync(join(dir, 'unknown.json'), api.serializeCase({ ...made, op: 'nope' }));
      expect(() => api.readCaseFile(join(dir, 'unknown.json'))).toThrow(`${join(dir, 'unknown.json')}: unknown op "nope"`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('opTable is a frozen view of the table with each op’s inputs, outputs and params', () => {
    const ops = api.opTable();
    expect(ops.map((o) => o.id)).toEqual(TABLE.map((r) => r.id));
    const conv = ops.find((o) => o.id === 'conv2d')!;
    expect(conv.params).toEqual(['dilation', 'groups', 'pad', 'stride']);
    expect(conv.inputs.map((i) => i.name)).toEqual(['x', 'w', 'b']);
    expect(ops.find((o) => o.id === 'svm_loss')!.inputs).toEqual([
      { name: 'x', kind: 'float', differentiable: true },
      { name: 'y', kind: 'int', differentiable: false },
    ]);
    expect(Object.isFrozen(ops) && Object.isFrozen(conv) && Object.isFrozen(conv.params) && Object.isFrozen(conv.inputs[0])).toBe(true);
  });

  it('verifyTwin refuses an unknown op, bad runs and an op without a twin before it opens a device', async () => {
    await expect(api.verifyTwin('nope')).rejects.toThrow(/^verifyTwin: unknown op "nope"; known ops: /);
    await expect(api.verifyTwin('relu', { runs: 0 })).rejects.toThrow(new TypeError('verifyTwin: options.runs must be an integer ≥ 1, got 0'));
    const noTwin = TABLE.find((r) => !r.twin)!;
    expect(noTwin, 'an op of the table without a twin (mean_average_precision has none)').toBeDefined();
    await expect(api.verifyTwin(noTwin.id)).rejects.toThrow(`verifyTwin: options.kernel must be a kernel module: op ${noTwin.id} has no twin`);
    expect('GPUBufferUsage' in globalThis).toBe(false);
  });
});
