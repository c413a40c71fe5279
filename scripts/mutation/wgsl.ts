import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Command } from 'commander';
import { TABLE } from '../../spec/harness/table';
import { REPORTS, score, type Status, tally, updateScores } from './report';
import { makeSandbox } from './sandbox';
import { applyMutant, wgslMutants, type WgslMutant } from './wgsl_mutants';

/**
 * `npm run mutation:wgsl [ops…]`: mutation testing of the WGSL twins. Each kernel file (an op's
 * accelerated/<op>.ts and the kernel modules it imports, scripts/mutation/wgsl_mutants.ts) is
 * mutated one site at a time in a copy of the working tree, and the twin tests of every op whose
 * twin uses that file run there (agreement with the reference, device memory, case files): a
 * family module such as accelerated/activations.ts is held to all its ops at once, and counted
 * once. A mutant is killed when a test fails, survives when they all pass; one that makes a
 * kernel fail to compile is left out of the score, like Stryker's compile errors.
 */
const TWIN_TESTS = ['spec/twins.test.ts', 'spec/casefiles.test.ts'];
/** Shared by every twin; mutate them explicitly with --files. */
const INFRASTRUCTURE = new Set(['buffers', 'device', 'kernel']);
/** What a WebGPU shader or pipeline validation failure prints. */
const COMPILE_ERROR = /Error while parsing WGSL|Invalid ShaderModule|Invalid ComputePipeline|\bWGSL\b.*error/i;

/**
 * The module of an op's twin: accelerated/<op>.ts, or for a row of a family file (sgd, adam and the
 * schedules in spec/optimizers.ts and spec/schedules.ts) the accelerated/ modules that file imports.
 */
function twinModules(op: string): string[] {
  const own = `accelerated/${op}.ts`;
  if (existsSync(own)) return [own];
  const rows = readdirSync('spec')
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => readFileSync(join('spec', f), 'utf8'))
    .filter((text) => text.includes(`'${op}'`));
  return [...new Set(rows.flatMap((text) => [...text.matchAll(/from '\.\.\/accelerated\/(\w+)'/g)].map((m) => `accelerated/${m[1]}.ts`)))];
}

/** The op's twin modules and the modules with WGSL they import directly from accelerated/ (and accelerated/runtime/). */
function kernelFiles(op: string): string[] {
  const files = twinModules(op).flatMap((file) => {
    const imports = [...readFileSync(file, 'utf8').matchAll(/from '\.\/((?:runtime\/)?(\w+))'/g)].filter((m) => !INFRASTRUCTURE.has(m[2]));
    return [file, ...imports.map((m) => `accelerated/${m[1]}.ts`)];
  });
  return [...new Set(files)].filter((f) => existsSync(f) && wgslMutants(f, readFileSync(f, 'utf8')).length > 0);
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

/** The file's mutants, or those whose description contains `match`. */
const matching = (file: string, text: string, match: string | undefined): WgslMutant[] =>
  wgslMutants(file, text).filter((m) => match === undefined || describeMutant(file, text, m).includes(match));

const program = new Command('mutation:wgsl')
  .argument('[ops...]', 'ops with a twin whose kernel files to mutate (default: every op with a twin)')
  .option('--files <files>', "comma-separated accelerated/ files to mutate (default: the ops' kernel modules)")
  .option('--limit <n>', 'test at most n mutants per file, evenly spread over it', (v) => Number.parseInt(v, 10))
  .option(
    '--match <text>',
    "test only the mutants whose description (the file:line, operator and both lines as printed) contains the text, e.g. a survivor's line",
  )
  .option('--list', 'list the files, their mutants and the ops whose tests would run, and run nothing')
  .action(async (names: string[], opts: { files?: string; limit?: number; match?: string; list?: boolean }) => {
    const withTwin = TABLE.filter((r) => r.twin).map((r) => r.id);
    const unknown = names.filter((n) => !withTwin.includes(n));
    if (unknown.length) program.error(`no twin for: ${unknown.join(', ')} (ops with a twin: ${withTwin.join(', ')})`);
    const filesOf = new Map(withTwin.map((op) => [op, kernelFiles(op)]));
    const targets = opts.files?.split(',') ?? [...new Set((names.length ? names : withTwin).flatMap((op) => filesOf.get(op)!))];
    // The ops whose twins use a file: a mutant survives only if every one of them passes.
    const usersOf = (file: string) => withTwin.filter((op) => filesOf.get(op)!.includes(file));
    if (opts.list) {
      for (const file of targets) {
        const text = readFileSync(file, 'utf8');
        const mutants = matching(file, text, opts.match);
        console.log(`${file}: ${mutants.length} mutants; tests of ${usersOf(file).join(', ')}`);
        if (opts.match !== undefined) for (const m of mutants) console.log(`  ${describeMutant(file, text, m)}`);
      }
      return;
    }
    const sandbox = makeSandbox();
    const summary: string[] = [];
    for (const file of targets) {
      const ops = usersOf(file);
      if (!ops.length) program.error(`${file}: no twin uses it (expected an accelerated/ module imported by an op's twin)`);
      // Mutants are found in the sandbox's copy, the text they are applied to.
      const text = readFileSync(join(sandbox.root, file), 'utf8');
      const all = matching(file, text, opts.match);
      if (!all.length) program.error(`${file}: no mutant matches ${JSON.stringify(opts.match)}`);
      const chosen = spread(all, opts.limit);
      const started = Date.now();
      // A kernel module's own tests (spec/matmul.test.ts) run too: they reach what the ops' cases may not.
      const tests = [...TWIN_TESTS, `spec/${basename(file, '.ts')}.test.ts`].filter(existsSync);
      const baseline = await sandbox.runTests(tests, ops, 'twin', 900_000);
      if (!baseline.passed) program.error(`${file}: the twin tests of ${ops.join(', ')} fail without any mutant:\n${baseline.output.slice(-3000)}`);
      const timeoutMs = Math.max(60_000, 3 * (Date.now() - started));
      console.log(`\n${file}: ${chosen.length}${chosen.length < all.length ? ` of ${all.length}` : ''} mutants; tests of ${ops.join(', ')}`);
      const statuses: Status[] = [];
      const survivors: string[] = [];
      for (const [k, m] of chosen.entries()) {
        const copy = join(sandbox.root, file);
        const original = readFileSync(copy, 'utf8');
        writeFileSync(copy, applyMutant(original, m));
        let status: Status;
        try {
          const run = await sandbox.runTests(tests, ops, 'twin', timeoutMs);
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
      console.log(`${file}: ${score(t)} (${t.killed} of ${t.valid} killed, ${t.invalid} did not compile)`);
      // A --match run re-checks chosen mutants: it does not replace the file's score.
      if (opts.match === undefined)
        updateScores('wgsl-scores', file, { ...t, ops, sampled: chosen.length < all.length ? `${chosen.length} of ${all.length}` : undefined, survivors });
      summary.push(`| ${file} | ${ops.join(', ')} | ${t.killed} / ${t.valid} | ${score(t)} | ${t.invalid} |`);
    }
    console.log(`\n| file | tests of | killed | score | did not compile |\n|---|---|---|---|---|\n${summary.join('\n')}`);
    console.log(opts.match === undefined ? `(scores kept in ${REPORTS}/wgsl-scores.json)` : '(a --match run: the scores kept are unchanged)');
  });

await program.parseAsync();
