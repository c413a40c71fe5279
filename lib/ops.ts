import { paramNames } from '../spec/harness/op';
import type { InputSpec, OpRow } from '../spec/harness/op';
import { TABLE } from '../spec/harness/table';

/** One op of the table as tooling sees it (`gradcheck ops --json` has the coverage columns). */
export interface OpInfo {
  readonly id: string;
  readonly section: string;
  /** Declared inputs in call order; a variadic op's cases may give a prefix of each numbered family. */
  readonly inputs: readonly InputSpec[];
  readonly variadic: boolean;
  readonly outputs: readonly string[];
  /** The outputs the backward differentiates (an upstream gradient each). */
  readonly gradOutputs: readonly string[];
  /** The names of the params the op's cases use (e.g. stride, pad), sorted, as docs/ops.md lists them. */
  readonly params: readonly string[];
  readonly backward: boolean;
  readonly twin: boolean;
}

let view: readonly OpInfo[] | undefined;

/** The op table, read-only, in the suite's order. Built on first call (it draws cases per op for their params). */
export function opTable(): readonly OpInfo[] {
  view ??= Object.freeze(TABLE.map(info));
  return view;
}

function info(row: OpRow): OpInfo {
  return Object.freeze({
    id: row.id,
    section: row.section,
    inputs: Object.freeze(row.inputs.map((i) => Object.freeze({ ...i }))),
    variadic: row.variadic ?? false,
    outputs: Object.freeze([...row.outputs]),
    gradOutputs: Object.freeze([...(row.gradOutputs ?? row.outputs)]),
    params: Object.freeze(paramNames(row)),
    backward: row.reference.backward !== undefined,
    twin: row.twin !== undefined,
  });
}
