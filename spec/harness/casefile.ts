import { tensor, type Tensor, type Tensors } from '../../reference/tensor';
import { makeSample } from './arbitraries';
import { compareRuns, referenceRun, rowTolerance, type Agreement } from './agreement';
import { describeInputs, presentInputs, type OpRow, type Params, type Sample } from './op';
import { CASE_FILE_TOLERANCE } from './tolerance';
import { runReference, runTwin } from './twin';

/**
 * Case files (DESIGN.md; documented in fixtures/README.md): one op applied to named inputs, with
 * the expected outputs and, for ops with a backward, the upstream gradient and expected grads.
 * Row-major flat data at full float64 precision; any tool in any language can write one.
 */
export interface TensorJson {
  shape: number[];
  data: number[];
}

export interface CaseFile {
  op: string;
  params: Params;
  inputs: Record<string, TensorJson>;
  outputs: Record<string, TensorJson>;
  dout?: Record<string, TensorJson>;
  grads?: Record<string, TensorJson>;
}

const toJson = (t: Tensor): TensorJson => ({ shape: [...t.shape], data: Array.from(t.data) });
const fromJson = (j: TensorJson): Tensor => tensor(j.shape, j.data);
const mapValues = <A, B>(o: Record<string, A>, f: (a: A) => B): Record<string, B> => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)]));

/** The case file of `sample` evaluated by the row's reference, upstream gradients drawn from `seed`. */
export function makeCase(row: OpRow, sample: Sample, seed: number): CaseFile {
  const { run, douts } = referenceRun(row, sample, seed);
  const c: CaseFile = {
    op: row.id,
    params: sample.params,
    inputs: mapValues(sample.inputs, toJson),
    outputs: mapValues(run.outputs, toJson),
  };
  if (run.grads) {
    c.dout = mapValues(douts, toJson);
    c.grads = mapValues(run.grads, toJson);
  }
  return c;
}

/**
 * Deterministic text: keys in a fixed order, one tensor per line, numbers in JavaScript's shortest
 * round-trip form (exact for float64 and the same on every machine), no timestamps.
 */
export function serializeCase(c: CaseFile): string {
  const group = (name: string, ts: Record<string, TensorJson> | undefined): string[] => {
    if (!ts) return [];
    const lines = Object.entries(ts).map(
      ([k, t]) => `    ${JSON.stringify(k)}: {"shape": ${JSON.stringify(t.shape).replace(/,/g, ', ')}, "data": ${JSON.stringify(t.data).replace(/,/g, ', ')}}`,
    );
    return [`  ${JSON.stringify(name)}: {\n${lines.join(',\n')}\n  }`];
  };
  const parts = [
    `  "op": ${JSON.stringify(c.op)}`,
    `  "params": ${JSON.stringify(c.params)}`,
    ...group('inputs', c.inputs),
    ...group('outputs', c.outputs),
    ...group('dout', c.dout),
    ...group('grads', c.grads),
  ];
  return `{\n${parts.join(',\n')}\n}\n`;
}

/** Parses and checks a case file's structure, naming the file and the field at fault. */
export function parseCase(text: string, source: string): CaseFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`${source}: not valid JSON (${(e as Error).message})`, { cause: e });
  }
  const fail = (what: string): never => {
    throw new Error(`${source}: ${what}`);
  };
  const obj = raw as Record<string, unknown>;
  if (typeof obj !== 'object' || obj === null) fail('expected a JSON object');
  if (typeof obj.op !== 'string') fail('"op" must be a string naming an op');
  for (const group of ['inputs', 'outputs', 'dout', 'grads'] as const) {
    const g = obj[group];
    if (g === undefined && (group === 'dout' || group === 'grads')) continue;
    if (typeof g !== 'object' || g === null) fail(`"${group}" must be an object of tensors`);
    for (const [k, t] of Object.entries(g as Record<string, TensorJson>)) {
      const size = Array.isArray(t?.shape) ? t.shape.reduce((a, b) => a * b, 1) : NaN;
      if (!Array.isArray(t?.data) || t.data.length !== size) {
        fail(`${group}.${k}: expected {"shape": [...], "data": [...]} with as many numbers as the shape holds`);
      }
    }
  }
  return { params: {}, ...(obj as object) } as CaseFile;
}

/**
 * Checks that a parsed case fits its op's row, naming the file and the field at fault: every input
 * is one the row declares, no differentiable one is missing (a variadic row's case may leave any
 * out; optional masks are left to the op's own checks), and `dout` and `grads` come together (a
 * file with neither is checked forward only).
 */
export function checkCaseFitsRow(row: OpRow, c: CaseFile, source: string): void {
  const fail = (what: string): never => {
    throw new Error(`${source}: ${what}`);
  };
  const declared = new Set(row.inputs.map((i) => i.name));
  const unknown = Object.keys(c.inputs).find((name) => !declared.has(name));
  if (unknown !== undefined) fail(`inputs.${unknown}: unknown input (${describeInputs(row)})`);
  try {
    presentInputs(row, c.inputs);
  } catch (e) {
    fail((e as Error).message);
  }
  if (c.dout && !c.grads) fail('grads: missing (a file with "dout" needs the expected "grads")');
  if (c.grads && !c.dout) fail('dout: missing (a file with "grads" needs the upstream gradient "dout")');
}

export function caseSample(c: CaseFile): Sample {
  return makeSample(mapValues(c.inputs, fromJson), c.params);
}

/** The case evaluated by the reference, against its stored tensors at case-file tolerance. */
export function checkCaseReference(row: OpRow, c: CaseFile): Agreement {
  const douts: Tensors | undefined = c.dout && mapValues(c.dout, fromJson);
  const actual = runReference(row.reference, caseSample(c), douts);
  return compareRuns(actual, expectedRun(c), CASE_FILE_TOLERANCE);
}

/** The case evaluated by the twin, against its stored tensors at the row's twin tolerance. */
export async function checkCaseTwin(row: OpRow, c: CaseFile): Promise<Agreement> {
  const sample = caseSample(c);
  const actual = await runTwin(row, sample, c.dout && mapValues(c.dout, fromJson));
  return compareRuns(actual, expectedRun(c), rowTolerance(row, sample));
}

const expectedRun = (c: CaseFile) => ({
  outputs: mapValues(c.outputs, fromJson),
  grads: c.grads && mapValues(c.grads, fromJson),
});
