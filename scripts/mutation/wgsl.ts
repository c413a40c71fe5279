import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Command } from 'commander';
import { TABLE } from '../../spec/harness/table';
import { REPORTS, score, type Status, tally, updateScores } from './report';
import { makeSandbox } from './sandbox';
import { applyMutant, wgslMutants, type WgslMutant } from './wgsl_mutants';

/**
 * `npm run mutation:wgsl [ops…]`: mutation testing of the WGSL twins. For each op, the kernel
 * strings of accelerated/<op>.ts and of the kernel modules it imports (scripts/mutation/
 * wgsl_mutants.ts) are mutated one site at a time in a copy of the working tree, and the op's twin
 * tests run there (agreement with the reference, device memory, case files). A mutant is killed
 * when they fail, survives when they pass; one that makes a kernel fail to compile is left out of
 * the score, like Stryker's compile errors.
 */
const TWIN_TESTS = ['spec/twins.test.ts', 'spec/casefiles.test.ts'];
/** Shared by every twin; mutate them explicitly with --files. */
const INFRASTRUCTURE = new Set(['buffers', 'device', 'kernel']);
/** What a WebGPU shader or pipeline validation failure prints. */
const COMPILE_ERROR = /Error while parsing WGSL|Invalid ShaderModule|Invalid ComputePipeline|\bWGSL\b.*error/i;

/** The op's module and the modules with WGSL it imports directly from accelerated/ (and accelerated/runtime/). */
function kernelFiles(op: string): string[] {
  const file = `accelerated/${op}.ts`;
  const imports = [...readFileSync(file, 'utf8').matchAll(/from '\.\/((?:runtime\/)?(\w+))'/g)].filter((m) => !INFRASTRUCTURE.has(m[2]));
  const imported = imports.map((m) => `accelerated/${m[1]}.ts`);
  return [file, ...imported].filter((f) => existsSync(f) && wgslMutants(f, readFileSync(f, 'utf8')).length > 0);
}

/** `limit` mutants evenly spread over the list (all of them without a limit). */
const spread = <T>(items: readonly T[], limit?: number): T[] =>
  !limit || limit >= items.length ? [...items] : Array.from({ length: limit }, (_, k) => items[Math.floor((k * items.length) / limit)]);

function describeMutant(file: string, text: string, m: WgslMutant): string {
  const lineStart = text.lastIndexOf('\n', m.start - 1) + 1;
  const lineEnd = text.indexOf('\n', m.end);
  const line = text.slice(lineStart, lineEnd < 0 ? undefined : lineEnd).trim();
  const mutated = applyMutant(text, m)
    .slice(lineStart, lineEnd < 0 ? undefined : lineEnd + m.replacement.length - m.original.length)
    .trim();
  return `${file}:${m.line} ${m.operator}: ${line}  ⇒  ${mutated || '(line removed)'}`;
}

const program = new Command('mutation:wgsl')
  .argument('[ops...]', 'ops with a twin (default: every op with a twin)')
  .option('--files <files>', "comma-separated accelerated/ files to mutate (default: the op's kernel modules)")
  .option('--limit <n>', 'test at most n mutants per op, evenly spread over its files', (v) => Number.parseInt(v, 10))
  .action(async (names: string[], opts: { files?: string; limit?: number }) => {
    const withTwin = TABLE.filter((r) => r.twin).map((r) => r.id);
    const unknown = names.filter((n) => !withTwin.includes(n));
    if (unknown.length) program.error(`no twin for: ${unknown.join(', ')} (ops with a twin: ${withTwin.join(', ')})`);
    const sandbox = makeSandbox();
    const summary: string[] = [];
    for (const op of names.length ? names : withTwin) {
      const files = opts.files?.split(',') ?? kernelFiles(op);
      // Mutants are found in the sandbox's copy, the text they are applied to.
      const all = files.flatMap((file) => wgslMutants(file, readFileSync(join(sandbox.root, file), 'utf8')).map((m) => ({ file, m })));
      const chosen = spread(all, opts.limit);
      const started = Date.now();
      // A kernel module's own tests (spec/matmul.test.ts) run too: they reach what the op's cases may not.
      const tests = [...TWIN_TESTS, ...files.map((f) => `spec/${basename(f, '.ts')}.test.ts`).filter(existsSync)];
      const baseline = await sandbox.runTests(tests, [op], 'twin', 600_000);
      if (!baseline.passed) program.error(`${op}: the twin tests fail without any mutant:\n${baseline.output.slice(-3000)}`);
      const timeoutMs = Math.max(60_000, 3 * (Date.now() - started));
      console.log(
        `\n${op}: ${chosen.length}${chosen.length < all.length ? ` of ${all.length}` : ''} mutants in ${files.join(', ')}; tests ${tests.join(', ')}`,
      );
      const statuses: Status[] = [];
      const survivors: string[] = [];
      for (const [k, { file, m }] of chosen.entries()) {
        const copy = join(sandbox.root, file);
        const original = readFileSync(copy, 'utf8');
        writeFileSync(copy, applyMutant(original, m));
        let status: Status;
        try {
          const run = await sandbox.runTests(tests, [op], 'twin', timeoutMs);
          status = run.passed ? 'Survived' : run.timedOut ? 'Timeout' : COMPILE_ERROR.test(run.output) ? 'CompileError' : 'Killed';
        } finally {
          writeFileSync(copy, original);
        }
        statuses.push(status);
        const line = describeMutant(file, original, m);
        if (status === 'Survived') survivors.push(line);
        console.log(`  [${k + 1}/${chosen.length}] ${status.padEnd(12)} ${line}`);
      }
      const t = tally(statuses);
      console.log(`${op}: ${score(t)} (${t.killed} of ${t.valid} killed, ${t.invalid} did not compile)`);
      updateScores('wgsl-scores', op, { ...t, files, sampled: chosen.length < all.length ? `${chosen.length} of ${all.length}` : undefined, survivors });
      summary.push(`| ${op} | ${files.map((f) => basename(f)).join(', ')} | ${t.killed} / ${t.valid} | ${score(t)} | ${t.invalid} |`);
    }
    console.log(`\n| op | kernel files | killed | score | did not compile |\n|---|---|---|---|---|\n${summary.join('\n')}`);
    console.log(`(scores kept in ${REPORTS}/wgsl-scores.json)`);
  });

await program.parseAsync();
