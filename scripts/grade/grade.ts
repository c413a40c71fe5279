import { basename } from 'node:path';
import { differentiableInputs, exportPrefix, type OpRow, type Sample } from '../../spec/harness/op';
import type { Tensors } from '../../reference/tensor';
import { findRow, TABLE } from '../../spec/harness/table';
import { bundleSubmission } from './bundle';
import { isFatal, judgeBackward, judgeError, judgeForward, judgeGradcheck, type Verdict } from './judge';
import { wire, type RunReply, type Target } from './protocol';
import { CHECKS, opPoints, type Check, type Rubric } from './rubric';
import { Sandbox, type Fatal } from './sandbox';
import { buildSuite, type OpSuite } from './suite';
import { cleanText } from './text';

/**
 * Grades one submission: bundles it, loads it in a sandbox, finds which exports implement which
 * op row, runs the op's cases and scores each test with partial credit (the share of its cases
 * that pass). Never throws: whatever goes wrong becomes a test scored 0 with a one-line reason.
 */
export interface TestResult {
  name: string;
  op: string;
  check: Check | 'exports' | 'load';
  score: number;
  maxScore: number;
  passed: number;
  total: number;
  /** One line: how many cases passed, and the first failure's reason. */
  output: string;
}

export interface GradeResult {
  submission: string;
  score: number;
  maxScore: number;
  tests: TestResult[];
  seconds: number;
}

/** One graded implementation of an op: the reference-shaped exports, and which variant (naive/vectorized) it is. */
interface Implementation {
  row: OpRow;
  variant?: string;
  target: Target;
}

const VARIANT_SUFFIXES = ['', 'Naive', 'Vectorized'];

/** The implementations among a submission's function exports: <prefix>[Naive|Vectorized]Forward (+ Backward). */
export function findImplementations(functions: readonly string[], rows: readonly OpRow[] = TABLE): Implementation[] {
  const has = new Set(functions);
  return rows.flatMap((row) =>
    VARIANT_SUFFIXES.filter((s) => has.has(`${exportPrefix(row.id)}${s}Forward`)).map((suffix) => {
      const name = `${exportPrefix(row.id)}${suffix}`;
      const op = { id: row.id, inputs: row.inputs, outputs: row.outputs, gradOutputs: row.gradOutputs, variadic: row.variadic };
      return {
        row,
        variant: suffix ? suffix.toLowerCase() : undefined,
        target: { op, forward: `${name}Forward`, backward: has.has(`${name}Backward`) ? `${name}Backward` : undefined },
      };
    }),
  );
}

/** Time a twin's process may take to load, WebGPU device included (SwiftShader on a busy machine is slow to start). */
const TWIN_STARTUP_MS = 10_000;

const round = (x: number) => Math.round(x * 1e4) / 1e4;

export interface GraderOptions {
  /**
   * Twin-shaped submissions (functions on GpuTensors, as accelerated/<op>.ts), run on a WebGPU
   * device in a child process without Node's permission model. They get no gradcheck test: float32
   * centered differences are too coarse, and the backward tests already hold their grads to the
   * reference's.
   */
  twin?: boolean;
  /**
   * Submissions are the files of one folder (`grade --batch`): a single-file submission may import
   * no file beside it, since those are other students'.
   */
  batch?: boolean;
}

/** Builds each op's cases once and grades any number of submissions against them. */
export class Grader {
  private readonly suites = new Map<string, OpSuite>();

  constructor(
    readonly rubric: Rubric,
    readonly options: GraderOptions = {},
  ) {}

  private suite(row: OpRow): OpSuite {
    let s = this.suites.get(row.id);
    if (!s) this.suites.set(row.id, (s = buildSuite(row, this.rubric, this.options.twin)));
    return s;
  }

  async grade(path: string): Promise<GradeResult> {
    const started = performance.now();
    // Outputs carry what the submission said (messages, export names), and a test that fails to load is
    // named after the submission's file: cleaned and bounded once, here.
    const tests = (await this.tests(path)).map((t) => ({ ...t, name: cleanText(t.name), op: cleanText(t.op), output: cleanText(t.output) }));
    const result = {
      submission: path,
      score: round(tests.reduce((a, t) => a + t.score, 0)),
      maxScore: round(tests.reduce((a, t) => a + t.maxScore, 0)),
      tests,
      seconds: (performance.now() - started) / 1000,
    };
    return result;
  }

  private async tests(path: string): Promise<TestResult[]> {
    const failAll = (check: 'load' | 'exports', reason: string): TestResult[] => {
      const ops = Object.entries(this.rubric.ops ?? { [basename(path)]: this.rubric.total });
      return ops.map(([op, points]) => ({ name: `${op}: ${check}`, op, check, score: 0, maxScore: points, passed: 0, total: 1, output: reason }));
    };
    const { twin } = this.options;
    let bundle;
    try {
      bundle = await bundleSubmission(path, twin ? 'twin' : 'reference', { batch: this.options.batch });
    } catch (e) {
      return failAll('load', (e as Error).message);
    }
    const { timeoutMs, memoryMb } = this.rubric;
    const startupMs = twin ? Math.max(timeoutMs, TWIN_STARTUP_MS) : timeoutMs;
    const sandbox = new Sandbox(bundle.file, { timeoutMs, memoryMb, permissions: !twin, startupMs });
    try {
      const loaded = await sandbox.start();
      if ('fatal' in loaded) return failAll('load', `failed to load: ${loaded.fatal}`);
      if (loaded.error) return failAll('load', loaded.error);
      const rows = this.rubric.ops ? Object.keys(this.rubric.ops).map(findRow) : TABLE;
      const found = findImplementations(loaded.functions, rows);
      const points = opPoints(this.rubric, [...new Set(found.map((f) => f.row.id))]);
      if (Object.keys(points).length === 0) {
        return failAll('exports', `exports no function of a known op (found: ${loaded.functions.join(', ') || 'none'})`);
      }
      const results: TestResult[] = [];
      for (const [op, opTotal] of Object.entries(points)) {
        const impls = found.filter((f) => f.row.id === op);
        if (impls.length === 0) {
          const name = `${exportPrefix(op)}Forward`;
          results.push({ name: `${op}: exports`, op, check: 'exports', score: 0, maxScore: opTotal, passed: 0, total: 1, output: `exports no ${name}` });
          continue;
        }
        for (const impl of impls) results.push(...(await this.gradeImplementation(sandbox, impl, opTotal / impls.length)));
      }
      return results;
    } finally {
      sandbox.stop();
      bundle.dispose();
    }
  }

  private async gradeImplementation(sandbox: Sandbox, impl: Implementation, points: number): Promise<TestResult[]> {
    const { row, target } = impl;
    const suite = this.suite(row);
    const hasBackward = Boolean(row.reference.backward) && differentiableInputs(row).length > 0;
    const gradcheck = hasBackward && !this.options.twin;
    const applies = (c: Check) => (c === 'gradcheck' ? gradcheck : c.endsWith('backward') ? hasBackward : c !== 'errors' || Boolean(this.rubric.errors));
    const checks = CHECKS.filter(applies);
    const weights = checks.map((c) => this.rubric.checks[c]);
    const weightSum = weights.reduce((a, b) => a + b, 0) || 1;
    const label = `${row.id}${impl.variant ? ` (${impl.variant})` : ''}`;
    const verdicts = new Map<Check, Verdict[]>();
    const noBackward = `exports no ${target.forward.replace(/Forward$/, 'Backward')}`;

    // Fixtures and random cases: one run each (forward, then backward), judged for both tests.
    for (const [kind, cases] of [
      ['fixtures', suite.fixtures],
      ['random', suite.random],
    ] as const) {
      const forward: Verdict[] = [];
      const backward: Verdict[] = [];
      await runCases(
        sandbox,
        cases.map((c) => ({ target, calls: [c.sample], douts: target.backward ? c.douts : undefined })),
        (reply, i) => {
          const c = cases[i];
          if (isFatal(reply)) {
            forward.push(label2(c.label, reply.fatal));
            backward.push(label2(c.label, reply.fatal));
            return;
          }
          forward.push(label2(c.label, judgeForward(c, reply)));
          backward.push(label2(c.label, target.backward ? judgeBackward(c, reply) : noBackward));
        },
      );
      verdicts.set(`${kind}_forward`, forward);
      verdicts.set(`${kind}_backward`, backward);
    }
    // Self-consistency (gradcheck) and rejecting bad inputs earn nothing while the forward fails every
    // valid case: a function returning zeros is self-consistent, and one that always throws rejects everything.
    const forwardVerdicts = [...verdicts.get('fixtures_forward')!, ...verdicts.get('random_forward')!];
    const forwardPassed = forwardVerdicts.length === 0 || forwardVerdicts.some((v) => v === undefined);
    const creditedIfForwardPasses = (check: Check, vs: Verdict[], what: string) =>
      verdicts.set(check, forwardPassed ? vs : vs.map((v) => v ?? `no credit for ${what} while every forward case fails`));
    if (gradcheck) {
      const grad: Verdict[] = [];
      if (!target.backward) grad.push(...suite.gradcheck.map(() => noBackward));
      else {
        await runCases(
          sandbox,
          suite.gradcheck.map((c) => ({ target, calls: c.calls.map((inputs) => ({ inputs, params: c.sample.params })), douts: c.douts })),
          (reply, i) => {
            grad.push(label2(suite.gradcheck[i].label, isFatal(reply) ? reply.fatal : judgeGradcheck(row, suite.gradcheck[i], reply)));
          },
        );
      }
      creditedIfForwardPasses('gradcheck', grad, 'a self-consistent gradient');
    }
    if (this.rubric.errors) {
      const exact = this.rubric.errors === 'message';
      const errs: Verdict[] = [];
      await runCases(
        sandbox,
        suite.errors.map((e) => ({ target, calls: [e.sample] })),
        (reply, i) => {
          errs.push(label2(suite.errors[i].title, isFatal(reply) ? reply.fatal : judgeError(suite.errors[i], reply, exact)));
        },
      );
      creditedIfForwardPasses('errors', errs, 'rejecting bad inputs');
    }
    return checks.map((check, k) => {
      const vs = verdicts.get(check)!;
      const maxScore = round((points * weights[k]) / weightSum);
      const passed = vs.filter((v) => v === undefined).length;
      const failures = vs.filter((v): v is string => v !== undefined);
      const total = vs.length;
      const output =
        total === 0 ? 'no cases' : failures.length === 0 ? `${passed}/${total} cases passed` : `${passed}/${total} cases passed; first failure: ${failures[0]}`;
      return {
        name: `${label}: ${check.replace('_', ' ')}`,
        op: row.id,
        check,
        score: total ? round((maxScore * passed) / total) : maxScore,
        maxScore,
        passed,
        total,
        output,
      };
    });
  }
}

const label2 = (label: string, v: Verdict): Verdict => (v === undefined ? undefined : `${label}: ${v}`);

/**
 * Runs requests one by one. After a fatal reply (timeout, memory, crash) the remaining requests
 * of the group are not run: they fail with the same reason, so a submission that hangs costs one
 * timeout per group rather than one per case.
 */
async function runCases(sandbox: Sandbox, requests: CaseRequest[], onReply: (reply: RunReply | Fatal, index: number) => void): Promise<void> {
  let fatal: Fatal | undefined;
  for (let i = 0; i < requests.length; i++) {
    if (fatal) {
      onReply({ fatal: `not run after an earlier case: ${fatal.fatal}` }, i);
      continue;
    }
    const r = requests[i];
    const reply = await sandbox.run({
      target: r.target,
      calls: r.calls.map(({ inputs, params }) => ({ inputs: wire(inputs), params })),
      douts: r.douts && wire(r.douts),
    });
    if (isFatal(reply)) fatal = reply;
    onReply(reply, i);
  }
}

interface CaseRequest {
  target: Target;
  calls: Sample[];
  douts?: Tensors;
}
