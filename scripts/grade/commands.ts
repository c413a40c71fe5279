import { InvalidArgumentError, type Command } from 'commander';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { findRow } from '../../spec/table';
import { progressBar } from '../progress';
import { writeAssignment } from './assignment';
import { SOURCE_EXTENSIONS } from './bundle';
import { Grader, type GradeResult } from './grade';
import { describeIsolation, detectIsolation } from './sandbox';
import { csvSummary, formatTable, gradescopeJson, junitXml, writeReport } from './reports';
import { DEFAULT_RUBRIC, loadRubric, type Rubric } from './rubric';
import { cleanText } from './text';

/** `gradcheck grade` and `gradcheck assignment`; scripts/cli.ts calls this once. */
export function registerGradeCommands(program: Command): void {
  program
    .command('grade')
    .description(
      'score submissions against the reference in a sandboxed process: case files, random cases, the gradient check of ' +
        "the submission's own backward, optional error inputs; partial credit per test",
    )
    .argument('<submission>', 'a .ts/.js module exporting e.g. affineForward/affineBackward, or a folder of modules that is one submission; with --batch, a folder of submissions')
    .option('--batch', 'the folder holds one submission per file or subfolder: progress on stderr, a CSV summary, --json names a folder')
    .option('--rubric <file>', 'rubric JSON: points per op, check weights, cases, timeout, memory (see scripts/grade/rubric.ts)')
    .option('--json <file>', "write Gradescope's results.json (with --batch: a folder, one <name>.json each)")
    .option('--junit <file>', 'write a JUnit XML report (all submissions in one file)')
    .option('--csv <file>', 'with --batch: the CSV summary (default grades.csv)')
    .option('--timeout <ms>', 'per-test timeout, overriding the rubric', positive('--timeout'))
    .option('--twin', 'twin-shaped submissions (kernel authors): the functions of accelerated/<op>.ts on GpuTensors, run on WebGPU; NOT under the permission model')
    .addHelpText(
      'after',
      '\nEach submission runs in its own Node process under the permission model (no file writes, no child processes,\n' +
        'no workers) with a heap limit; a test that throws, hangs, returns a wrong shape or NaN, or mutates its inputs\n' +
        'scores 0 with a one-line reason. See the README\'s Isolation section for what else is enforced where.\n' +
        '\nGradescope: grade /autograder/submission --json /autograder/results/results.json (the folder is one submission).\n' +
        'A class: grade submissions/ --batch --json results/ --csv grades.csv.\n' +
        '\nWith --twin the process keeps the timeout and heap limit but runs WITHOUT the permission model (Node 20 forbids\n' +
        'native addons under it, and Dawn is one). Grade only code you trust, or run the grader in a throwaway container.\n' +
        'Twins get no gradcheck test (float32); their grads are held to the reference by the backward tests.',
    )
    .action(async (submission: string, opts: GradeOptions) => {
      if (!existsSync(submission)) throw new InvalidArgumentError(`${submission}: no such file or folder`);
      if (opts.batch && !statSync(submission).isDirectory()) throw new InvalidArgumentError(`--batch needs a folder of submissions, got the file ${submission}`);
      if (opts.csv !== undefined && !opts.batch) throw new InvalidArgumentError('--csv summarizes a batch: add --batch (a folder of submissions), or leave --csv out');
      const rubric: Rubric = { ...(opts.rubric ? loadRubric(opts.rubric) : DEFAULT_RUBRIC) };
      if (opts.timeout) rubric.timeoutMs = opts.timeout;
      const grader = new Grader(rubric, { twin: opts.twin, batch: opts.batch });
      const paths = opts.batch ? batchEntries(submission) : [submission];
      console.error(describeIsolation(detectIsolation(), opts.twin));
      const bar = opts.batch ? progressBar('grading', paths.length) : undefined;
      const results: GradeResult[] = [];
      for (const path of paths) {
        results.push(await grader.grade(path));
        bar?.tick(cleanText(path));
      }
      bar?.stop();
      for (const r of results) console.log(`${formatTable(r)}\n`);
      if (opts.json) {
        const names = reportNames(results.map((r) => r.submission));
        results.forEach((r, i) => writeReport(opts.batch ? join(opts.json!, `${names[i]}.json`) : opts.json!, gradescopeJson(r)));
      }
      if (opts.junit) writeReport(opts.junit, junitXml(results));
      if (opts.batch) {
        const csv = opts.csv ?? 'grades.csv';
        writeReport(csv, csvSummary(results));
        console.log(`graded ${results.length} submissions; summary in ${csv}`);
      }
    });

  program
    .command('assignment')
    .description('write a starter module (reference signatures, doc comments with the formulas, bodies that throw "not implemented") and its rubric')
    .argument('<ops...>', 'op ids (see `gradcheck ops`)')
    .requiredOption('--out <dir>', 'folder to write submission.ts and rubric.json into')
    .option('--errors <mode>', 'grade error inputs: "throws" or "message"')
    .action((ops: string[], opts: { out: string; errors?: string }) => {
      const rows = ops.map(findRow);
      if (opts.errors && opts.errors !== 'throws' && opts.errors !== 'message') {
        throw new InvalidArgumentError(`--errors must be "throws" or "message", got "${opts.errors}"`);
      }
      const written = writeAssignment(rows, opts.out, (opts.errors as Rubric['errors'] | undefined) ?? false);
      written.forEach((f) => console.log(`wrote ${f}`));
    });
}

function positive(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive integer, got "${value}"`);
    return n;
  };
}

/** The submissions of a batch folder: its source files and subfolders, sorted. */
function batchEntries(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => !f.startsWith('.'))
    .map((f) => join(dir, f))
    .filter((p) => statSync(p).isDirectory() || (SOURCE_EXTENSIONS.includes(extname(p)) && !p.endsWith('.d.ts')))
    .sort();
}

interface GradeOptions {
  batch?: boolean;
  rubric?: string;
  json?: string;
  junit?: string;
  csv?: string;
  timeout?: number;
  twin?: boolean;
}

/**
 * A report file name per submission, unique within the batch: the base name with its extension
 * (a.ts and a.mjs stay apart), characters outside [A-Za-z0-9_.-] replaced, and -2, -3… where two
 * would still meet (a.ts and a folder named a.ts, "a b" and "a_b").
 */
export function reportNames(paths: readonly string[]): string[] {
  const taken = new Set<string>();
  return paths.map((p) => {
    const base = basename(resolve(p)).replace(/[^\w.-]/g, '_') || 'submission';
    let name = base;
    for (let k = 2; taken.has(name.toLowerCase()); k++) name = `${base}-${k}`;
    taken.add(name.toLowerCase());
    return name;
  });
}
