/**
 * `npm run grade:demo [-- --students N] [--keep]`: writes a class of N submissions (default 30) of a
 * 10-op assignment into a temporary folder and grades it with `gradcheck grade --batch`, as course
 * staff would, printing the table and the wall time. Most students hand in a folder (a module that
 * re-exports a copy of reference/, the files it imports beside it), some with ops missing, wrong or
 * broken; a few are the hostile submissions of spec/gallery/hostile/ and spec/gallery/bundle/.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import seedrandom from 'seedrandom';
import { ROOT } from '../../spec/fixtures';
import { exportPrefix } from '../../spec/op';
import { DEFAULT_RUBRIC, rubricJson } from './rubric';

const OPS = ['affine', 'relu', 'sigmoid', 'tanh', 'leaky_relu', 'svm_loss', 'softmax_loss', 'batchnorm', 'layernorm', 'max_pool2d'];

/** The ops whose reference has one forward and backward (no naive/vectorized variants): those a mistake replaces. */
const PLAIN = OPS.filter((op) => new RegExp(`export function ${exportPrefix(op)}Backward\\b`).test(readFileSync(join(ROOT, 'reference', `${op}.ts`), 'utf8')));

/** What a student does wrong with one op, replacing the re-exported reference function. */
const MISTAKES: Array<(name: string) => string> = [
  (name) => `export function ${name}Forward(): never {\n  throw new Error('not implemented: ${name}Forward');\n}`,
  // A backward that doubles every gradient: the fixtures, random and gradient-check tests catch it.
  (name) =>
    `import { ${name}Backward as reference${name} } from './lib/all';\n` +
    `export function ${name}Backward(...args: Parameters<typeof reference${name}>) {\n` +
    `  const grads = reference${name}(...args) as unknown as Record<string, { shape: number[]; data: Float64Array }>;\n` +
    `  return Object.fromEntries(Object.entries(grads).map(([k, t]) => [k, { shape: t.shape, data: t.data.map((v) => 2 * v) }]));\n}`,
];

function hostileSubmissions(): string[] {
  return ['hostile', 'bundle']
    .map((d) => join(ROOT, 'spec', 'gallery', d))
    .filter(existsSync)
    .flatMap((d) => readdirSync(d).map((f) => join(d, f)))
    .sort();
}

/** One honest student: a folder with lib/ (a copy of reference/) and submission.ts, with `wrong` ops replaced. */
function writeStudent(dir: string, wrong: Map<string, number>): void {
  cpSync(join(ROOT, 'reference'), join(dir, 'lib'), { recursive: true, filter: (src) => !src.includes(`${join('reference', 'models')}`) });
  writeFileSync(join(dir, 'lib', 'all.ts'), OPS.map((op) => `export * from './${op}';`).join('\n') + '\n');
  const overrides = [...wrong].map(([op, kind]) => MISTAKES[kind](exportPrefix(op)));
  writeFileSync(join(dir, 'submission.ts'), `export * from './lib/all';\n${overrides.join('\n\n')}\n`);
}

function writeClass(root: string, students: number, seed: string): void {
  const rng = seedrandom(seed);
  const hostile = hostileSubmissions().slice(0, Math.max(0, Math.min(5, students - 1)));
  for (let i = 0; i < students; i++) {
    const name = `student${String(i + 1).padStart(2, '0')}`;
    if (i < hostile.length) {
      const src = hostile[i];
      cpSync(src, join(root, statSync(src).isDirectory() ? name : `${name}${extname(src)}`), { recursive: true });
      continue;
    }
    const wrong = new Map<string, number>();
    const mistakes = Math.floor(rng() * 4); // 0–3 ops wrong
    for (let k = 0; k < mistakes; k++) wrong.set(PLAIN[Math.floor(rng() * PLAIN.length)], Math.floor(rng() * MISTAKES.length));
    const dir = join(root, name);
    mkdirSync(dir, { recursive: true });
    writeStudent(dir, wrong);
  }
  const points = Object.fromEntries(OPS.map((op) => [op, 10]));
  writeFileSync(join(root, 'rubric.json'), rubricJson({ ...DEFAULT_RUBRIC, ops: points }));
}

function main(): void {
  const args = process.argv.slice(2);
  const at = args.indexOf('--students');
  const students = at >= 0 ? Number(args[at + 1]) : 30;
  if (!Number.isInteger(students) || students < 1) throw new Error(`--students must be a positive integer, got ${args[at + 1]}`);
  const root = mkdtempSync(join(tmpdir(), 'gradcheck-class-'));
  const classDir = join(root, 'class');
  mkdirSync(classDir);
  writeClass(classDir, students, 'gradcheck-class-demo');
  console.log(`a class of ${students} (${OPS.length} ops, ${hostileSubmissions().length ? 'a few hostile' : 'none hostile'}) in ${classDir}`);
  const started = performance.now();
  const run = spawnSync(
    process.execPath,
    [join(ROOT, 'scripts', 'gradcheck.mjs'), 'grade', classDir, '--batch', '--rubric', join(classDir, 'rubric.json'), '--csv', join(root, 'grades.csv')],
    { stdio: 'inherit', cwd: ROOT },
  );
  const seconds = (performance.now() - started) / 1000;
  console.log(`graded ${students} submissions of ${OPS.length} ops in ${seconds.toFixed(1)} s (exit ${run.status})`);
  if (!args.includes('--keep')) rmSync(root, { recursive: true, force: true });
  process.exitCode = run.status ?? 1;
}

main();
