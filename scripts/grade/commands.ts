import { InvalidArgumentError, type Command } from 'commander';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { findRow } from '../../spec/table';
import { progressBar } from '../progress';
import { writeAssignment } from './assignment';
import { SOURCE_EXTENSIONS } from './bundle';
import { Grader, type GradeResult } from './grade';
import { csvSummary, formatTable, gradescopeJson, junitXml, writeReport } from './reports';
import { DEFAULT_RUBRIC, loadRubric, type Rubric } from './rubric';

/** `gradcheck grade` and `gradcheck assignment`; scripts/cli.ts calls this once. */
export function registerGradeCommands(program: Command): void {
  program
    .command('grade')
    .description(
      'score submissions against the reference in a sandboxed process: case files, random cases, the gradient check of ' +
        "the submission's own backward, optional error inputs; partial credit per test",
    )
    .argument('<submission>', 'a .ts/.js module exporting e.g. affineForward/affineBackward, or a folder of submissions (each file or subfolder one)')
    .option('--rubric <file>', 'rubric JSON: points per op, check weights, cases, timeout, memory (see scripts/grade/rubric.ts)')
    .option('--json <file>', "write Gradescope's results.json (for a folder: a folder, one <name>.json each)")
    .option('--junit <file>', 'write a JUnit XML report (all submissions in one file)')
    .option('--csv <file>', 'for a folder of submissions: the CSV summary', 'grades.csv')
    .option('--timeout <ms>', 'per-test timeout, overriding the rubric', positive('--timeout'))
    .option('--twin', 'twin-shaped submissions (kernel authors): the functions of accelerated/<op>.ts on GpuTensors, run on WebGPU; NOT under the permission model')
    .addHelpText(
      'after',
      '\nEach submission runs in its own Node process under the permission model (no file writes, no child processes,\n' +
        'no workers) with a heap limit; a test that throws, hangs, returns a wrong shape or NaN, or mutates its inputs\n' +
        'scores 0 with a one-line reason. Node 20 does not restrict the network from that process.\n' +
        '\nWith --twin the process keeps the timeout and heap limit but runs WITHOUT the permission model (Node 20 forbids\n' +
        'native addons under it, and Dawn is one): the submission can read and write files, start processes and use the\n' +
        'network. Grade only code you trust, or run the grader in a throwaway container (docker run --network none).\n' +
        'Twins get no gradcheck test (float32); their grads are held to the reference by the backward tests.',
    )
    .action(async (submission: string, opts: { rubric?: string; json?: string; junit?: string; csv: string; timeout?: number; twin?: boolean }) => {
      const rubric: Rubric = { ...(opts.rubric ? loadRubric(opts.rubric) : DEFAULT_RUBRIC) };
      if (opts.timeout) rubric.timeoutMs = opts.timeout;
      const grader = new Grader(rubric, { twin: opts.twin });
      if (!existsSync(submission)) throw new Error(`${submission}: no such file or folder`);
      const batch = statSync(submission).isDirectory();
      const paths = batch ? batchEntries(submission) : [submission];
      const bar = batch ? progressBar('grading', paths.length) : undefined;
      const results: GradeResult[] = [];
      for (const path of paths) {
        results.push(await grader.grade(path));
        bar?.tick(path);
      }
      bar?.stop();
      for (const r of results) console.log(`${formatTable(r)}\n`);
      if (opts.json) {
        for (const r of results) writeReport(batch ? join(opts.json, `${safeName(r.submission)}.json`) : opts.json, gradescopeJson(r));
      }
      if (opts.junit) writeReport(opts.junit, junitXml(results));
      if (batch) {
        writeReport(opts.csv, csvSummary(results));
        console.log(`graded ${results.length} submissions; summary in ${opts.csv}`);
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

const safeName = (path: string) => resolve(path).split('/').pop()!.replace(/\.[^.]+$/, '').replace(/[^\w.-]/g, '_');
