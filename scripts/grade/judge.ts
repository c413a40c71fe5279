import { describeGradcheck } from '../../spec/harness/gradcheck';
import type { ErrorCase, OpRow } from '../../spec/harness/op';
import { compare, type Tolerance } from '../../spec/harness/tolerance';
import { formatIndex, formatShape, type Tensors } from '../../reference/tensor';
import type { Fault, RunReply, WireTensors } from './protocol';
import type { Fatal } from './sandbox';
import { replayGradcheck, type GradCase, type RunCase } from './suite';

/**
 * Verdicts on one case, each a one-line reason (undefined: the case passed). Everything here runs
 * in the trusted parent on the tensors the sandbox sent back.
 */
export type Verdict = string | undefined;

export const describeFault = (f: Fault): string => {
  switch (f.kind) {
    case 'threw':
      return `${f.where} threw: ${f.message}`;
    case 'denied':
      return `${f.where} was denied by the sandbox: ${f.message}`;
    case 'mutated':
      return `${f.where} ${f.message}`;
    case 'bad-return':
      return `${f.where} returned ${f.message}`;
  }
};

/**
 * Checks returned tensors against the expected ones: present, same shape, every element a finite
 * number, and (with a tolerance) within it. Without a tolerance only the structure is checked.
 */
export function checkTensors(what: string, actual: WireTensors | undefined, expected: Tensors, tol?: Tolerance): Verdict {
  for (const [name, want] of Object.entries(expected)) {
    const got = actual?.[name];
    if (!got) return `${what} returned no ${name}`;
    if (formatShape(got.shape) !== formatShape(want.shape)) {
      return `${what}: ${name} has shape ${formatShape(got.shape)}, expected ${formatShape(want.shape)}`;
    }
    // Every element present and a finite number: a NaN or a missing element is never "within tolerance".
    const size = want.data.length;
    if (got.data.length !== size) return `${what}: ${name} holds ${got.data.length} numbers, shape ${formatShape(got.shape)} needs ${size}`;
    for (let i = 0; i < size; i++) {
      const v = got.data[i];
      if (typeof v !== 'number' || !Number.isFinite(v)) return `${what}: ${name}${formatIndex(i, got.shape)} is ${typeof v === 'number' ? v : typeof v}`;
    }
    if (tol) {
      const c = compare(name, got, want, tol);
      if (!c.ok && c.worst) {
        return `${what}: ${name}${c.worst.index} = ${c.worst.actual}, expected ${c.worst.expected} (atol ${tol.atol}, rtol ${tol.rtol})`;
      }
    }
  }
  return undefined;
}

export const isFatal = (r: RunReply | Fatal): r is Fatal => 'fatal' in r;

export function judgeForward(c: RunCase, reply: RunReply): Verdict {
  if (reply.fault?.where.startsWith('forward')) return describeFault(reply.fault);
  return checkTensors('forward', reply.outputs[0], c.expected.outputs, c.tolerance);
}

export function judgeBackward(c: RunCase, reply: RunReply): Verdict {
  if (reply.fault) return describeFault(reply.fault);
  return checkTensors('backward', reply.grads, c.expected.grads ?? {}, c.tolerance);
}

/** The submission's own backward against centered differences of its own forward. */
export function judgeGradcheck(row: OpRow, c: GradCase, reply: RunReply): Verdict {
  if (reply.fault) return describeFault(reply.fault);
  if (reply.outputs.length !== c.calls.length) return `forward answered ${reply.outputs.length} of ${c.calls.length} calls`;
  for (const out of reply.outputs) {
    const v = checkTensors('forward', out, c.shapes.outputs);
    if (v) return v;
  }
  const v = checkTensors('backward', reply.grads, c.shapes.grads ?? {});
  if (v) return v;
  const result = replayGradcheck(row, c, reply.outputs, reply.grads!);
  return result.ok ? undefined : `gradient check: ${describeGradcheck(result)}`;
}

/** A bad input must be rejected: by a throw, and with the row's exact message in "message" mode. */
export function judgeError(e: ErrorCase, reply: RunReply, exact: boolean): Verdict {
  if (!reply.fault) return `accepted the bad input (${e.title}) without throwing`;
  if (reply.fault.kind !== 'threw') return describeFault(reply.fault);
  if (exact && reply.fault.message !== e.message) return `threw "${reply.fault.message}", expected "${e.message}"`;
  return undefined;
}
