import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_DIR, ROOT_VARIABLE } from '../scripts/grade/autograder';
import { gradcheck } from './harness/cli';
import { ROOT } from './harness/fixtures';
import { parseGradeCommands } from './harness/grade_commands';

/**
 * `gradcheck autograder`: the files Gradescope runs, generated into a temporary folder and unpacked
 * the way Gradescope does (into <root>/source), then run_autograder run against that fake /autograder
 * tree with a correct, a broken and a hostile submission. setup.sh installs Node system-wide and
 * cannot run here: it runs with stub apt-get, apt-cache, curl, node and npm that record their calls.
 */
const gallery = (...path: string[]) => join(ROOT, 'spec', 'gallery', ...path);
const work = mkdtempSync(join(tmpdir(), 'gradcheck-autograder-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const out = join(work, 'out');
/** Stands in for /autograder. */
const fake = join(work, 'autograder');
const source = join(fake, 'source');

const sh = (cmd: string, args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}) =>
  spawnSync(cmd, args, { encoding: 'utf8', timeout: 180_000, cwd: opts.cwd, env: { ...process.env, ...opts.env } });

beforeAll(() => {
  mkdirSync(source, { recursive: true });
  const rubric = join(work, 'rubric.json');
  writeFileSync(rubric, JSON.stringify({ random_cases: 2, gradcheck_cases: 1, tolerance: { atol: 1e-6, rtol: 1e-5 } }));
  const made = gradcheck(['autograder', 'affine', 'relu', '--out', out, '--rubric', rubric]);
  expect(made.status, made.all).toBe(0);
  // `unzip` is an independent reader of the archive (the writer is scripts/grade/zip.ts).
  const unzip = sh('unzip', ['-q', join(out, 'autograder.zip'), '-d', source]);
  expect(unzip.status, unzip.stderr).toBe(0);
}, 120_000);

describe('gradcheck autograder', () => {
  it('writes setup.sh, run_autograder, rubric.json and autograder.zip, which holds them and this package', () => {
    expect(readdirSync(out).sort()).toEqual(['autograder.zip', 'rubric.json', 'run_autograder', 'setup.sh']);
    expect(sh('unzip', ['-tq', join(out, 'autograder.zip')]).status).toBe(0);
    for (const file of ['setup.sh', 'run_autograder', 'rubric.json'])
      expect(readFileSync(join(source, file), 'utf8')).toBe(readFileSync(join(out, file), 'utf8'));
    for (const file of ['package.json', 'package-lock.json', 'scripts/gradcheck.mjs', 'scripts/grade/sandbox.ts', 'fixtures/reference/affine/edge-1.json']) {
      expect(readFileSync(join(source, PACKAGE_DIR, file), 'utf8'), file).toBe(readFileSync(join(ROOT, file), 'utf8'));
    }
    expect(existsSync(join(source, PACKAGE_DIR, 'node_modules'))).toBe(false);
    for (const script of ['setup.sh', 'run_autograder']) expect(statSync(join(source, script)).mode & 0o111, script).toBe(0o111);
    const rubric = JSON.parse(readFileSync(join(source, 'rubric.json'), 'utf8'));
    expect(rubric).toMatchObject({ ops: { affine: 50, relu: 50 }, random_cases: 2, gradcheck_cases: 1, tolerance: { atol: 1e-6, rtol: 1e-5 } });
  });

  it("refuses a rubric whose ops are not the assignment's, and an unknown op", async () => {
    const rubric = join(work, 'other-ops.json');
    writeFileSync(rubric, JSON.stringify({ ops: { affine: 100 } }));
    await expect(parseGradeCommands(['autograder', 'affine', 'relu', '--out', join(work, 'refused'), '--rubric', rubric])).rejects.toThrow(
      "--rubric gives points to affine, but the assignment's ops are affine, relu",
    );
    await expect(parseGradeCommands(['autograder', 'affine', 'no_such_op', '--out', join(work, 'refused')])).rejects.toThrow('no_such_op');
    expect(existsSync(join(work, 'refused'))).toBe(false);
  });
});

describe('setup.sh', () => {
  it('installs all the command line imports: it leaves out only devDependencies (npm ci --omit=dev)', async () => {
    const { metafile } = await build({
      entryPoints: [join(ROOT, 'scripts', 'gradcheck.mjs')],
      bundle: true,
      write: false,
      metafile: true,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      logLevel: 'silent',
    });
    const packageName = (path: string) =>
      path
        .split('/')
        .slice(0, path.startsWith('@') ? 2 : 1)
        .join('/');
    const imported = Object.values(metafile.inputs).flatMap((input) =>
      input.imports.filter((i) => i.external && !isBuiltin(i.path) && !/^[./]/.test(i.path)).map((i) => packageName(i.path)),
    );
    const { dependencies } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(imported).toContain('tsx');
    expect(new Set(imported.filter((name) => !(name in dependencies)))).toEqual(new Set());
  });

  /** Runs setup.sh with stubs first on PATH; returns the calls they recorded ("<cwd>: <command> <args>"). */
  function setupWithStubs(stubs: Record<string, string>): { status: number | null; calls: string[]; stderr: string } {
    const bin = mkdtempSync(join(work, 'stubs-'));
    const log = join(bin, 'calls.log');
    for (const [name, body] of Object.entries(stubs)) {
      writeFileSync(join(bin, name), `#!/bin/bash\necho "$PWD: ${name} $*" >> ${log}\n${body}\n`);
      chmodSync(join(bin, name), 0o755);
    }
    const r = sh('bash', [join(source, 'setup.sh')], { cwd: '/', env: { PATH: `${bin}:/usr/bin:/bin` } });
    return { status: r.status, calls: existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [], stderr: r.stderr };
  }
  const ok = 'exit 0';

  it('is valid bash, as is run_autograder', () => {
    for (const script of ['setup.sh', 'run_autograder']) expect(sh('bash', ['-n', join(source, script)]).status, script).toBe(0);
  });

  it("installs the Debian packages scripts/setup.sh needs, the sandbox's util-linux, and this package with npm ci", () => {
    const needed = [...readFileSync(join(ROOT, 'scripts', 'setup.sh'), 'utf8').matchAll(/missing\+=\((\S+)\)/g)].map((m) => m[1]);
    expect(needed).toEqual(['libvulkan1', 'chromium']);
    const r = setupWithStubs({ 'apt-get': ok, 'apt-cache': ok, node: ok, npm: ok, curl: ok });
    expect(r.status, r.stderr).toBe(0);
    const install = r.calls.find((c) => c.includes(': apt-get install'))!;
    for (const p of [...needed, 'util-linux']) expect(install.split(' ')).toContain(p);
    expect(r.calls).toContain(`${join(source, PACKAGE_DIR)}: npm ci --omit=dev --no-audit --no-fund`);
    expect(r.calls.some((c) => c.includes(': curl '))).toBe(false); // Node 20 is there already
  });

  it("installs Node 20 where there is none, and Mesa's CPU Vulkan driver where chromium is no Debian package (Ubuntu)", () => {
    const r = setupWithStubs({ 'apt-get': ok, 'apt-cache': 'exit 100', node: 'exit 127', npm: ok, curl: 'echo "echo nodesource-setup-ran"' });
    expect(r.status, r.stderr).toBe(0);
    const installs = r.calls.filter((c) => c.includes(': apt-get install'));
    expect(installs[0].split(' ')).toEqual(expect.arrayContaining(['libvulkan1', 'mesa-vulkan-drivers', 'util-linux']));
    expect(installs[0].split(' ')).not.toContain('chromium');
    expect(r.calls.find((c) => c.includes(': curl '))).toMatch(/https:\/\/deb\.nodesource\.com\/setup_20\.x$/);
    expect(installs[1].split(' ')).toContain('nodejs');
  });

  it('stops at the first failure', () => {
    const r = setupWithStubs({ 'apt-get': 'exit 1', 'apt-cache': ok, node: ok, npm: ok, curl: ok });
    expect(r.status).not.toBe(0);
    expect(r.calls.some((c) => c.includes(': npm '))).toBe(false);
  });
});

describe('run_autograder on a fake /autograder tree', () => {
  beforeAll(() => {
    // setup.sh's `npm ci`, done here by lending the checkout's packages to the unpacked copy, which is what runs.
    symlinkSync(join(ROOT, 'node_modules'), join(source, PACKAGE_DIR, 'node_modules'));
  });

  interface Results {
    score: number;
    max_score: number;
    tests: Array<{ name: string; score: number; max_score: number; output: string }>;
  }

  /** Puts `files` (name in the submission → file to copy) into <root>/submission, runs run_autograder, reads results.json. */
  function grade(files: Record<string, string>): Results {
    for (const dir of ['submission', 'results']) rmSync(join(fake, dir), { recursive: true, force: true });
    for (const [name, from] of Object.entries(files)) {
      mkdirSync(join(fake, 'submission', name, '..'), { recursive: true });
      copyFileSync(from, join(fake, 'submission', name));
    }
    const r = sh(join(source, 'run_autograder'), [], { cwd: fake, env: { [ROOT_VARIABLE]: fake } });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    return JSON.parse(readFileSync(join(fake, 'results', 'results.json'), 'utf8'));
  }

  it('gives a correct submission full marks', () => {
    const r = grade({ 'layers.ts': gallery('correct.ts') });
    expect(r.max_score).toBe(100);
    expect(r.score).toBe(100);
    expect(r.tests.filter((t) => t.score !== t.max_score)).toEqual([]);
  });

  it("takes from a broken submission the broken function's points, and only those", () => {
    // The folder is one submission: off_by_one_backward.ts replaces correct.ts's affineBackward (db misses a row).
    const r = grade({ 'correct.ts': gallery('correct.ts'), 'off_by_one_backward.ts': gallery('off_by_one_backward.ts') });
    const hitByBackward = (name: string) => name.startsWith('affine:') && /backward|gradcheck/.test(name);
    expect(r.tests.filter((t) => hitByBackward(t.name)).map((t) => t.name)).toEqual([
      'affine: fixtures backward',
      'affine: random backward',
      'affine: gradcheck',
    ]);
    for (const t of r.tests) {
      if (hitByBackward(t.name)) expect(t.score, t.name).toBeLessThan(t.max_score);
      else expect(t.score, t.name).toBe(t.max_score);
    }
    expect(r.score).toBeLessThan(100);
  });

  it('gives a hostile submission nothing, and the run completes', () => {
    // Implements nothing, but answers the grader's requests itself with a correct relu, forging the runner's replies.
    const hostile = (name: string) => gallery('hostile', `${name}.ts`);
    const main = join(work, 'main.ts');
    writeFileSync(main, "export * from './lib/forges_replies';\n");
    const r = grade({
      'lib/forges_replies.ts': hostile('forges_replies'),
      'lib/frame.ts': hostile('frame'),
      'lib/relu.ts': hostile('relu'),
      'main.ts': main,
    });
    expect(r.max_score).toBe(100);
    expect(r.score).toBe(0);
    expect(r.tests.length).toBeGreaterThan(0);
  });
});
