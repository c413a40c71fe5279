/**
 * `npm run grade:demo [-- --students N] [--keep]`: writes a class of N submissions (default 30) of a
 * 10-op assignment into a temporary folder and grades it with `gradcheck grade --batch`, as course
 * staff would, printing the table and the wall time. Most students hand in a folder (a module that
 * re-exports a copy of reference/, the files it imports beside it), some with ops missing, wrong or
 * broken; the first five are hostile (HOSTILE below).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import seedrandom from 'seedrandom';
import { ROOT } from '../../spec/harness/fixtures';
import { exportPrefix } from '../../spec/harness/op';
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

/**
 * The hostile students: attacks of spec/gallery/hostile/ at run time (each a folder: the attack as
 * main.ts, the gallery's helper modules under lib/) and of spec/gallery/bundle/ at bundle time.
 */
const HOSTILE = ['hostile/stop_kill_parent', 'hostile/forges_replies', 'hostile/inspector_signal', 'hostile/reads_env', 'bundle/reexports_reference'];

function writeHostile(dir: string, attack: string): void {
  const [kind, name] = attack.split('/');
  const folder = join(ROOT, 'spec', 'gallery', kind);
  const source = readFileSync(join(folder, `${name}.ts`), 'utf8');
  mkdirSync(join(dir, 'lib'), { recursive: true });
  if (kind === 'hostile') {
    // The attack imports its helpers (./relu, ./frame) from beside it: they go to lib/, so they are not merged into its exports.
    for (const helper of readdirSync(folder).filter((f) => readFileSync(join(folder, f), 'utf8').includes('Not a submission'))) {
      cpSync(join(folder, helper), join(dir, 'lib', helper));
    }
    writeFileSync(join(dir, 'main.ts'), source.replace(/from '\.\//g, "from './lib/"));
  } else {
    // From the class folder, the gallery's ../../../reference/ is the checkout's, by absolute path.
    writeFileSync(join(dir, 'main.ts'), source.replace(/'(\.\.\/)+reference\//g, `'${join(ROOT, 'reference')}/`));
  }
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
  for (let i = 0; i < students; i++) {
    const name = `student${String(i + 1).padStart(2, '0')}`;
    const dir = join(root, name);
    if (i < HOSTILE.length && i < students - 1) {
      writeHostile(dir, HOSTILE[i]);
      continue;
    }
    const wrong = new Map<string, number>();
    const mistakes = Math.floor(rng() * 4); // 0–3 ops wrong
    for (let k = 0; k < mistakes; k++) wrong.set(PLAIN[Math.floor(rng() * PLAIN.length)], Math.floor(rng() * MISTAKES.length));
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
  console.log(`a class of ${students} (${OPS.length} ops, ${Math.min(HOSTILE.length, students - 1)} hostile) in ${classDir}`);
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
