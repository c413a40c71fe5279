import { InvalidArgumentError, type Command } from 'commander';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { findRow } from '../../spec/harness/table';
import { progressBar } from '../progress';
import { writeAssignment } from './assignment';
import { autograderRubric, writeAutograder } from './autograder';
import { SOURCE_EXTENSIONS } from './bundle';
import { Grader, type GradeResult } from './grade';
import { mergeRecords, readRecord } from './merge';
import { describeIsolation, detectIsolation } from './sandbox';
import { csvSummary, formatTable, gradescopeJson, junitXml, writeReport } from './reports';
import { DEFAULT_RUBRIC, loadRubric, type Rubric } from './rubric';
import { parseShard, recordJson, shardName, shareOf, WHOLE, type Shard } from './shard';
import { cleanText } from './text';

/** `gradcheck grade`, `merge`, `assignment` and `autograder`; scripts/cli.ts calls this once. */
export function registerGradeCommands(program: Command): void {
  program
    .command('grade')
    .description(
      'score submissions against the reference in a sandboxed process: case files, random cases, the gradient check of ' +
        "the submission's own backward, optional error inputs; partial credit per test",
    )
    .argument(
      '<submission>',
      'a .ts/.js module exporting e.g. affineForward/affineBackward, or a folder of modules that is one submission; with --batch, a folder of submissions',
    )
    .option('--batch', 'the folder holds one submission per file or subfolder: progress on stderr, a CSV summary, --json names a folder')
    .option('--rubric <file>', 'rubric JSON: points per op, check weights, cases, timeout, memory (see scripts/grade/rubric.ts)')
    .option('--json <file>', "write Gradescope's results.json (with --batch: a folder, one <name>.json each)")
    .option('--junit <file>', 'write a JUnit XML report (all submissions in one file)')
    .option('--csv <file>', 'with --batch: the CSV summary (default grades.csv)')
    .option('--shard <i/n>', 'with --batch: grade only share i of n (submission k of the sorted batch goes to shard k mod n); needs --record', parseShard)
    .option('--record <file>', 'with --batch: write the results as a record, which `gradcheck merge` joins with the other shards')
    .option('--timeout <ms>', 'per-test timeout, overriding the rubric', positive('--timeout'))
    .option(
      '--twin',
      'twin-shaped submissions (kernel authors): the functions of accelerated/<op>.ts on GpuTensors, run on WebGPU; NOT under the permission model',
    )
    .addHelpText(
      'after',
      '\nEach submission runs in its own Node process under the permission model (no file writes, no child processes,\n' +
        'no workers) with a heap limit; a test that throws, hangs, returns a wrong shape or NaN, or mutates its inputs\n' +
        "scores 0 with a one-line reason. See the README's Isolation section for what else is enforced where.\n" +
        '\nGradescope: grade /autograder/submission --json /autograder/results/results.json (the folder is one submission).\n' +
        'A class: grade submissions/ --batch --json results/ --csv grades.csv.\n' +
        'On n machines: grade submissions/ --batch --shard i/n --record shard-i.json on each, then\n' +
        'gradcheck merge shard-*.json --json results/ --csv grades.csv (the reports of one run).\n' +
        '\nWith --twin the process keeps the timeout and heap limit but runs WITHOUT the permission model (Node 20 forbids\n' +
        'native addons under it, and Dawn is one). Grade only code you trust, or run the grader in a throwaway container.\n' +
        'Twins get no gradcheck test (float32); their grads are held to the reference by the backward tests.',
    )
    .action(async (submission: string, opts: GradeOptions) => {
      if (!existsSync(submission)) throw new InvalidArgumentError(`${submission}: no such file or folder`);
      if (opts.batch && !statSync(submission).isDirectory())
        throw new InvalidArgumentError(`--batch needs a folder of submissions, got the file ${submission}`);
      if (opts.csv !== undefined && !opts.batch)
        throw new InvalidArgumentError('--csv summarizes a batch: add --batch (a folder of submissions), or leave --csv out');
      if (opts.shard && !opts.batch) throw new InvalidArgumentError('--shard splits a batch: add --batch (a folder of submissions), or leave --shard out');
      if (opts.record !== undefined && !opts.batch)
        throw new InvalidArgumentError("--record writes a batch's results for `gradcheck merge`: add --batch (a folder of submissions)");
      if (opts.shard && opts.record === undefined)
        throw new InvalidArgumentError(`--shard ${shardName(opts.shard)} needs --record <file>: the shard's results, which \`gradcheck merge\` joins`);
      const rubric: Rubric = { ...(opts.rubric ? loadRubric(opts.rubric) : DEFAULT_RUBRIC) };
      if (opts.timeout) rubric.timeoutMs = opts.timeout;
      const grader = new Grader(rubric, { twin: opts.twin, batch: opts.batch });
      const entries = opts.batch ? batchEntries(submission) : [submission];
      const shard = opts.shard ?? WHOLE;
      const positions = shareOf(entries.length, shard);
      const paths = positions.map((k) => entries[k]);
      console.error(describeIsolation(detectIsolation(), opts.twin));
      const bar = opts.batch ? progressBar('grading', paths.length) : undefined;
      const results: GradeResult[] = [];
      for (const path of paths) {
        results.push(await grader.grade(path));
        bar?.tick(cleanText(path));
      }
      bar?.stop();
      const csv = opts.batch ? (opts.csv ?? 'grades.csv') : undefined;
      // A shard names its reports as one run over the whole batch would, so merged and single runs agree.
      const allNames = reportNames(entries);
      const names = opts.batch ? positions.map((k) => allNames[k]) : undefined;
      writeReports(results, { json: opts.json, junit: opts.junit, csv }, names);
      if (opts.record !== undefined) writeReport(opts.record, recordJson(shard, entries, results));
      if (opts.batch) {
        const share = opts.shard ? ` (shard ${shardName(shard)} of a batch of ${entries.length})` : '';
        console.log(`graded ${results.length} submissions${share}; summary in ${csv}`);
      }
    });

  program
    .command('merge')
    .description('join the records of `grade --batch --shard i/n --record file` (every shard of one batch) into the reports of one run over the whole batch')
    .argument('<records...>', 'the record of each shard, in any order')
    .option('--json <dir>', 'a folder of Gradescope results.json, one <name>.json per submission')
    .option('--junit <file>', 'a JUnit XML report (all submissions in one file)')
    .option('--csv <file>', 'the CSV summary')
    .addHelpText('after', '\nRefused, with the reason: shards of different batches or splits, a shard given twice, a shard missing.')
    .action((files: string[], opts: ReportTargets) => {
      if (!opts.json && !opts.junit && !opts.csv) throw new InvalidArgumentError('merge writes reports: give --json <dir>, --junit <file> and/or --csv <file>');
      const { batch, results } = mergeRecords(files.map(readRecord));
      writeReports(results, opts, reportNames(batch));
      console.log(`merged ${files.length} shards: ${results.length} submissions`);
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

  program
    .command('autograder')
    .description('write a Gradescope autograder: setup.sh, run_autograder, rubric.json and autograder.zip (upload the zip)')
    .argument('<ops...>', 'op ids of the assignment (see `gradcheck ops`)')
    .requiredOption('--out <dir>', 'folder to write the files into')
    .option('--rubric <file>', 'rubric JSON for cases, weights, timeout, memory (default: the defaults, the ops sharing 100 points)')
    .addHelpText(
      'after',
      '\nGradescope unpacks the zip into /autograder/source and runs setup.sh once (Node 20, the Debian packages, this\n' +
        'package); run_autograder then grades /autograder/submission (one submission) into /autograder/results/results.json.',
    )
    .action((ops: string[], opts: { out: string; rubric?: string }) => {
      ops.forEach(findRow);
      const rubric = autograderRubric(ops, opts.rubric ? loadRubric(opts.rubric) : DEFAULT_RUBRIC);
      writeAutograder(rubric, opts.out).forEach((f) => console.log(`wrote ${f}`));
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

/** Where a run's reports go: --json (a file; for a batch, a folder), --junit, --csv (a batch's summary). */
interface ReportTargets {
  json?: string;
  junit?: string;
  csv?: string;
}

/**
 * Prints each submission's table and writes the reports asked for. `names`, for a batch: each
 * submission's report file name in the --json folder (see reportNames); without them --json is one file.
 */
function writeReports(results: readonly GradeResult[], targets: ReportTargets, names?: readonly string[]): void {
  for (const r of results) console.log(`${formatTable(r)}\n`);
  if (targets.json) results.forEach((r, i) => writeReport(names ? join(targets.json!, `${names[i]}.json`) : targets.json!, gradescopeJson(r)));
  if (targets.junit) writeReport(targets.junit, junitXml(results));
  if (targets.csv) writeReport(targets.csv, csvSummary(results));
}

interface GradeOptions {
  batch?: boolean;
  shard?: Shard;
  record?: string;
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
