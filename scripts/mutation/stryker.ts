import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { Stryker } from '@stryker-mutator/core';
import type { MutantResult } from '@stryker-mutator/api/core';
import { Command } from 'commander';
import { TABLE } from '../../spec/harness/table';
import { REPORTS, score, type Tally, tally, updateScores } from './report';
import { SCOPE_ENV } from './scope';

/**
 * `npm run mutation [files…]`: Stryker over reference/ files (default: every reference/<op>.ts of
 * the table), one file at a time. Each file's mutants run against the reference-side tests of the
 * file's ops only (scripts/mutation/scope.ts): the row named like the file, or else the rows whose
 * reference module imports it (`--ops` names them instead). Incremental: a rerun tests only the
 * mutants whose code or tests changed (reports/mutation/<file>.incremental.json); Stryker sees
 * test files, not the case files and rows they read, so after a change there `--force` reruns every
 * mutant. Prints each
 * file's score and surviving mutants; reports/mutation/reference-scores.json keeps the latest per file.
 */
const ROW_IDS = new Set(TABLE.map((r) => r.id));

function opsOf(file: string): string[] {
  const name = basename(file, '.ts');
  if (ROW_IDS.has(name)) return [name];
  const importers = readdirSync('reference')
    .filter((f) => ROW_IDS.has(basename(f, '.ts')))
    .filter((f) => new RegExp(`from '\\./${name}'`).test(readFileSync(join('reference', f), 'utf8')));
  return importers.map((f) => basename(f, '.ts'));
}

/** `reference/affine.ts:32:25 ArithmeticOperator: x.data[n * D + d] * w… → …` */
function describeMutant(m: MutantResult, lines: readonly string[]): string {
  const { start, end } = m.location;
  const original =
    start.line === end.line ? lines[start.line - 1].slice(start.column - 1, end.column - 1) : `${lines[start.line - 1].slice(start.column - 1)}…`;
  const short = (s: string) => (s.length > 70 ? `${s.slice(0, 67)}…` : s).replace(/\s+/g, ' ');
  return `${relative('.', m.fileName)}:${start.line}:${start.column} ${m.mutatorName}: ${short(original)} → ${short(m.replacement ?? '')} (${m.status})`;
}

const program = new Command('mutation')
  .argument('[files...]', 'reference/ files to mutate (default: every reference/<op>.ts of the table)')
  .option('--ops <ops>', 'comma-separated ops whose tests run (default: from the file name or its importers)')
  .option(
    '--force',
    "rerun every mutant, not only those whose code or test files changed (after a change to case files or rows, which Stryker's incremental mode does not see)",
  )
  .option(
    '--lines <from-to>',
    "re-check only the mutants on these lines (e.g. a survivor's after a new case), every one rerun; the file's kept score is left as it was",
  )
  .action(async (files: string[], opts: { ops?: string; force?: boolean; lines?: string }) => {
    const lines = opts.lines?.match(/^(\d+)-(\d+)$/);
    if (opts.lines !== undefined && !lines) program.error(`--lines: expected from-to, e.g. 50-59, got ${opts.lines}`);
    const targets = files.length ? files.map((f) => relative('.', f)) : [...ROW_IDS].map((id) => `reference/${id}.ts`).filter(existsSync);
    const missing = targets.filter((f) => !existsSync(f));
    if (missing.length) program.error(`no such file: ${missing.join(', ')}`);
    mkdirSync(REPORTS, { recursive: true });
    const summary: [string, Tally][] = [];
    for (const file of targets) {
      const ops = opsOf(file);
      const scoped = opts.ops?.split(',') ?? ops;
      if (!scoped.length) program.error(`${file}: no op of the table is named after it or imports it; name its ops with --ops`);
      console.log(`\n${file}: tests of ${scoped.join(', ')}`);
      process.env[SCOPE_ENV.ops] = scoped.join(',');
      process.env[SCOPE_ENV.side] = 'reference';
      // A helper module's own tests (spec/erf.test.ts for reference/erf.ts) run too, unless they reach the device.
      const ownTests = `spec/${basename(file, '.ts')}.test.ts`;
      const hostOnly = existsSync(ownTests) && !/accelerated\//.test(readFileSync(ownTests, 'utf8'));
      process.env[SCOPE_ENV.tests] = hostOnly ? ownTests : '';
      const slug = file.replace(/[/\\]/g, '_');
      const results = await new Stryker({
        // A line range is a partial run: it must not replace the file's incremental results.
        ...(lines
          ? { mutate: [`${file}:${lines[1]}-${lines[2]}`], incremental: false }
          : { mutate: [file], incrementalFile: join(REPORTS, `${slug}.incremental.json`), force: opts.force ?? false }),
      }).runMutationTest();
      const t = tally(results.map((r) => r.status));
      const text = readFileSync(file, 'utf8').split('\n');
      const survivors = results.filter((r) => r.status === 'Survived' || r.status === 'NoCoverage');
      console.log(`${file}${lines ? `, lines ${opts.lines}` : ''}: ${score(t)} (${t.killed} of ${t.valid} killed)`);
      for (const m of survivors) console.log(`  ${describeMutant(m, text)}`);
      if (!lines) updateScores('reference-scores', file, { ...t, ops: scoped, survivors: survivors.map((m) => describeMutant(m, text)) });
      summary.push([file, t]);
    }
    console.log('\n| file | killed | score |\n|---|---|---|');
    for (const [file, t] of summary) console.log(`| ${file} | ${t.killed} / ${t.valid} | ${score(t)} |`);
  });

await program.parseAsync();
