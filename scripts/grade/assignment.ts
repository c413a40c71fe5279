import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { ROOT } from '../../spec/harness/fixtures';
import { exportPrefix, type OpRow } from '../../spec/harness/op';
import { DEFAULT_RUBRIC, rubricJson, type Rubric } from './rubric';

/**
 * The starter module of an assignment: for each op, the forward/backward signatures of
 * reference/<op>.ts (every naive/vectorized variant), with their doc comments (the formulas) and
 * bodies that throw "not implemented"; the cache interfaces they name; a local Tensor type.
 * Self-contained, so it can be handed out and graded anywhere.
 */
const REFERENCE = join(ROOT, 'reference');

const HEADER = (ops: string) => `/**
 * Assignment: ${ops}.
 * Fill in the bodies; keep every exported name and signature (the grader finds functions by name).
 * Tensors are row-major: element [i, j] of an (N, C) tensor is data[i * C + j].
 * Grade locally with: npx gradcheck grade submission.ts --rubric rubric.json
 */
export interface Tensor {
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

/** A new tensor of the given shape: zeros, or a copy of \`data\`. */
export function tensor(shape: readonly number[], data?: ArrayLike<number>): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return { shape: [...shape], data: data ? Float64Array.from(data) : new Float64Array(size) };
}
`;

/** Interfaces and type aliases of every reference module, by name, as source text. */
function referenceInterfaces(): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of readdirSync(REFERENCE).filter((f) => f.endsWith('.ts'))) {
    const source = ts.createSourceFile(file, readFileSync(join(REFERENCE, file), 'utf8'), ts.ScriptTarget.ES2022, true);
    for (const s of source.statements) {
      const named = ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s);
      if (named && s.name.text !== 'Tensor') found.set(s.name.text, s.getFullText().trim());
    }
  }
  return found;
}

/** reference/<op>.ts, or for an op kept in a family file (e.g. reference/optimizers.ts) the module exporting its forward. */
function referencePath(row: OpRow): string {
  const own = join(REFERENCE, `${row.id}.ts`);
  if (existsSync(own)) return own;
  const forward = new RegExp(`export function ${exportPrefix(row.id)}(Naive|Vectorized)?Forward\\b`);
  const file = readdirSync(REFERENCE).find((f) => f.endsWith('.ts') && forward.test(readFileSync(join(REFERENCE, f), 'utf8')));
  return file ? join(REFERENCE, file) : own;
}

/** The stubs of one op: each `<prefix>[Naive|Vectorized]Forward/Backward` of its reference module. */
function opStubs(row: OpRow, interfaces: Map<string, string>, needed: Set<string>): string[] {
  const path = referencePath(row);
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.ES2022, true);
  const pattern = new RegExp(`^${exportPrefix(row.id)}(Naive|Vectorized)?(Forward|Backward)$`);
  const stubs: string[] = [];
  for (const s of source.statements) {
    if (!ts.isFunctionDeclaration(s) || !s.name || !s.body || !pattern.test(s.name.text)) continue;
    const text = s.getFullText();
    const bodyStart = s.body.getStart() - s.getFullStart();
    const head = text.slice(0, bodyStart).trim();
    for (const name of interfaces.keys()) if (new RegExp(`\\b${name}\\b`).test(head)) needed.add(name);
    stubs.push(`${head} {\n  throw new Error('not implemented: ${s.name.text}');\n}`);
  }
  if (stubs.length === 0) throw new Error(`reference/${row.id}.ts exports no ${exportPrefix(row.id)}Forward`);
  return stubs;
}

export function starterModule(rows: readonly OpRow[]): string {
  const interfaces = referenceInterfaces();
  const needed = new Set<string>();
  const sections = rows.map((row) => `// ---- ${row.id} ----\n\n${opStubs(row, interfaces, needed).join('\n\n')}`);
  // Interfaces the needed ones mention (e.g. a sequence cache holding step caches); the Set's iteration visits additions.
  for (const name of needed) {
    for (const other of interfaces.keys()) if (new RegExp(`\\b${other}\\b`).test(interfaces.get(name)!)) needed.add(other);
  }
  const caches = [...needed].map((n) => interfaces.get(n)!);
  return `${HEADER(rows.map((r) => r.id).join(', '))}\n${caches.join('\n\n')}\n\n${sections.join('\n\n')}\n`;
}

/** Writes submission.ts and rubric.json (equal points per op) into `dir`; returns the paths. */
export function writeAssignment(rows: readonly OpRow[], dir: string, errors: Rubric['errors']): string[] {
  mkdirSync(dir, { recursive: true });
  const module = join(dir, 'submission.ts');
  const rubric = join(dir, 'rubric.json');
  writeFileSync(module, starterModule(rows));
  const ops = Object.fromEntries(rows.map((r) => [r.id, Math.round((DEFAULT_RUBRIC.total / rows.length) * 100) / 100]));
  writeFileSync(rubric, rubricJson({ ...DEFAULT_RUBRIC, ops, errors }));
  return [module, rubric];
}
