import fc from 'fast-check';
import type { GpuTensor } from '../../accelerated/runtime/buffers';
import type { Tensor, Tensors } from '../../reference/tensor';
import type { Tolerance } from './tolerance';

/**
 * One row of the op table (in the spirit of PyTorch's OpInfo). Every check, the fixtures, the
 * coverage table and the command line iterate rows; adding an op is adding a row.
 */
export type Params = Record<string, unknown>;

export interface Sample {
  readonly inputs: Tensors;
  readonly params: Params;
}

/** Forward/backward of one implementation, called with named tensors. */
export interface Impl<T> {
  forward(inputs: Record<string, T>, params: Params): { outputs: Record<string, T>; cache: unknown };
  /** Gradients keyed `d` + input name, for every differentiable input. */
  backward?(douts: Record<string, T>, cache: unknown): Record<string, T>;
}

/**
 * A twin: an Impl on device tensors, or one whose forward is async, for ops whose output size
 * depends on the data (nms keeps a data-dependent number of boxes: the twin reads that count back
 * before it can shape its output).
 */
export interface AsyncTwinImpl {
  forward(inputs: Record<string, GpuTensor>, params: Params): Promise<ReturnType<Impl<GpuTensor>['forward']>>;
  backward?: Impl<GpuTensor>['backward'];
}

export type TwinImpl = Impl<GpuTensor> | AsyncTwinImpl;

export interface InputSpec {
  readonly name: string;
  /** float inputs upload as f32, int inputs (labels, indices) as i32. */
  readonly kind: 'float' | 'int';
  readonly differentiable: boolean;
}

export interface ErrorCase {
  readonly title: string;
  readonly sample: Sample;
  /** The exact message both the reference and the twin must throw. */
  readonly message: string;
}

/** Columns of the coverage table (`gradcheck ops`). */
export const COLUMNS = ['ref_fwd', 'ref_bwd', 'gradcheck', 'twin_fwd', 'twin_bwd', 'property', 'fixture', 'oracle'] as const;
export type Column = (typeof COLUMNS)[number];

/** A row as its spec/<op>.ts file writes it: everything but the section. */
export interface OpDef {
  readonly id: string;
  readonly inputs: readonly InputSpec[];
  /**
   * The op takes a variable number of inputs (style_loss: feats_0 … feats_{L−1}, then one
   * style_targets_l per style layer): `inputs` declares them up to the most a case may have, and a
   * sample supplies a subset. Checks then skip declared inputs a sample lacks; for other rows a
   * missing input is an error.
   */
  readonly variadic?: boolean;
  readonly outputs: readonly string[];
  /**
   * The outputs the backward differentiates, when not all of them: only these get an upstream
   * gradient (e.g. batchnorm's updated running statistics are outputs without one).
   */
  readonly gradOutputs?: readonly string[];
  readonly reference: Impl<Tensor>;
  /** Other reference formulations (naive / vectorized) that must agree with `reference`. */
  readonly variants?: Readonly<Record<string, Impl<Tensor>>>;
  readonly twin?: TwinImpl;
  /** The full input checks (shapes and values) of the op, run on the host before a twin upload. */
  validate(inputs: Tensors, params: Params): void;
  /** Random cases for the property tests, `verify` and fixtures: shapes, params and values. */
  readonly sample: fc.Arbitrary<Sample>;
  /** Small, kink-free cases for the gradient check (defaults to `sample`). */
  readonly gradSample?: fc.Arbitrary<Sample>;
  /** Hand-picked edge cases, added to the fixtures. */
  readonly edgeCases?: readonly Sample[];
  /**
   * Cases exactly at a kink (relu at 0), where the backward follows the op's stated `convention`, a
   * choice of subgradient rather than a derivative: added to the fixtures (so the twin and graded
   * submissions are held to it), never gradient-checked.
   */
  readonly kinks?: { readonly convention: string; readonly cases: readonly Sample[] };
  readonly errors: readonly ErrorCase[];
  /** Twin vs reference tolerance, possibly depending on the case (e.g. √length for reductions). */
  readonly tolerance?: Tolerance | ((sample: Sample) => Tolerance);
  /** Why a coverage column is empty on purpose. */
  readonly reasons?: Partial<Record<Column, string>>;
}

/** A row of the table: its section is the name of the spec/sections/ list that holds it. */
export interface OpRow extends OpDef {
  readonly section: string;
}

/** The rows of one section, in its order: each takes the section's name. */
export const section = (name: string, defs: readonly OpDef[]): OpRow[] => defs.map((def) => ({ ...def, section: name }));

/**
 * What the gradient check needs of a row: its name and its inputs' and outputs' signature. A
 * user's own function (the library's gradcheck) has one without being a row of the table.
 */
export type Signature = Pick<OpDef, 'id' | 'inputs' | 'variadic' | 'gradOutputs'>;

/** The outputs of a forward pass that get an upstream gradient (row.gradOutputs, default all). */
export const differentiatedOutputs = (row: Signature, outputs: Tensors): Tensors =>
  row.gradOutputs ? Object.fromEntries(row.gradOutputs.map((name) => [name, outputs[name]])) : outputs;

/** "affine takes x, w, b": for messages about inputs that do not fit the row. */
export const describeInputs = (row: Signature): string => `${row.id} takes ${row.inputs.map((i) => i.name).join(', ')}`;

/**
 * The declared inputs that `inputs` supplies, in declared order. A variadic row's sample may leave
 * out the trailing inputs of each numbered family (feats_2, feats_3 …, never feats_1 alone); other
 * rows' samples only non-differentiable ones (the optional attention masks): a missing
 * differentiable input is an error.
 */
export function presentInputs(row: Signature, inputs: Readonly<Record<string, unknown>>): InputSpec[] {
  return row.inputs.filter((i, k) => {
    if (i.name in inputs) return true;
    const later = row.variadic ? row.inputs.slice(k + 1).find((j) => j.name in inputs && numberedFamily(j.name) === numberedFamily(i.name)) : undefined;
    if (later) throw new Error(`inputs.${i.name}: missing (${later.name} is given; ${describeInputs(row)})`);
    if (row.variadic || !i.differentiable) return false;
    throw new Error(`inputs.${i.name}: missing (${describeInputs(row)})`);
  });
}

/** "feats" for feats_2: the name less its number. */
const numberedFamily = (name: string): string => name.replace(/_\d+$/, '');

/** The differentiable inputs of the row, or of those a sample's `inputs` supply (see presentInputs). */
export const differentiableInputs = (row: Signature, inputs?: Readonly<Record<string, unknown>>): string[] =>
  (inputs ? presentInputs(row, inputs) : row.inputs).filter((i) => i.differentiable).map((i) => i.name);

/** Forward/backward of one implementation with the course signatures. */
export interface CourseFunctions {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  forward: (...args: any[]) => { cache: unknown };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  backward: (...args: any[]) => Record<string, any>;
}

/**
 * Adapts course-shaped functions to an Impl: `forward(...inputs, params)` returns its outputs by
 * name plus `cache`; `backward(...douts of gradOutputs, cache)` returns `{ dx, dw, … }`. With
 * `variadic`, forward gets only the named inputs a call supplies, in the order of `inputNames`.
 */
export function courseImpl<T>(
  inputNames: readonly string[],
  outputNames: readonly string[],
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  forward: (...args: any[]) => { cache: unknown },
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  backward?: (...args: any[]) => Record<string, T>,
  gradOutputs: readonly string[] = outputNames.slice(0, 1),
  variadic = false,
): Impl<T> {
  return {
    forward(inputs, params) {
      const names = variadic ? inputNames.filter((n) => n in inputs) : inputNames;
      const result = forward(...names.map((n) => inputs[n]), params) as Record<string, unknown>;
      const outputs = Object.fromEntries(outputNames.map((n) => [n, result[n] as T]));
      return { outputs, cache: result.cache };
    },
    backward: backward && ((douts, cache) => backward(...gradOutputs.map((n) => douts[n]), cache)),
  };
}

/**
 * svm_loss → svmLoss: the prefix of an op's exported functions (svmLossForward, svmLossBackward).
 * A trailing _forward is the course's own name for the forward pass: rnn_forward → rnnForward, rnnBackward.
 */
export const exportPrefix = (id: string): string => id.replace(/_forward$/, '').replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/**
 * An Impl from a module that exports `<prefix>Forward` / `<prefix>Backward` (or plain `forward` /
 * `backward`) with the course signatures, e.g. a kernel author's twin or a student's submission.
 */
export function implFromModule<T>(row: OpRow, module: Record<string, unknown>, source: string): Impl<T> {
  const prefix = exportPrefix(row.id);
  const forward = module[`${prefix}Forward`] ?? module.forward;
  const backward = module[`${prefix}Backward`] ?? module.backward;
  if (typeof forward !== 'function') {
    throw new Error(`${source}: exports no function ${prefix}Forward (or forward) for op ${row.id}`);
  }
  return courseImpl<T>(
    row.inputs.map((i) => i.name),
    row.outputs,
    forward as (...args: unknown[]) => { cache: unknown },
    typeof backward === 'function' ? (backward as (...args: unknown[]) => Record<string, T>) : undefined,
    row.gradOutputs,
    row.variadic,
  );
}

/** Seed and count of the samples whose params name the op's params (deterministic). */
const PARAM_SEED = 20261204;
const PARAM_RUNS = 50;

/** The names of the params the row's samples, edge cases and kink cases use, sorted. */
export function paramNames(row: OpDef): string[] {
  const arbitraries = row.gradSample ? [row.sample, row.gradSample] : [row.sample];
  const samples: Sample[] = [
    ...arbitraries.flatMap((arbitrary) => fc.sample(arbitrary, { seed: PARAM_SEED, numRuns: PARAM_RUNS })),
    ...(row.edgeCases ?? []),
    ...(row.kinks?.cases ?? []),
  ];
  return [...new Set(samples.flatMap((s) => Object.keys(s.params)))].sort();
}
