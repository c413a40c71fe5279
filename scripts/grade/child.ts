import { implFromModule, type OpRow } from '../../spec/harness/op';
import { serveRequests } from './child_channel';
import { gradNames, type Fault, type ReadyMessage, type Request, type RunReply, type RunRequest, type WireTensor, type WireTensors } from './protocol';
import { cleanText } from './text';

/**
 * The sandboxed side of grading. esbuild bundles this file together with the submission into one
 * .mjs that runs under Node's permission model (no file writes, no child processes, no workers)
 * with a heap limit. It runs the submission's functions on the inputs the parent sends and sends
 * the results back over the channel (child_channel.ts); every judgement happens in the parent.
 * Built-ins used here are captured before the submission's module body runs.
 */
const { from: copyOf } = Float64Array;
const isArray = Array.isArray;

/** A fault the runner detected itself (a bad return value, a mutated input), as opposed to one the submission threw. */
export class Problem extends Error {
  constructor(readonly fault: Fault) {
    super(fault.message);
  }
}

const snapshot = (ts: WireTensors): Map<string, Float64Array> =>
  new Map(Object.entries(ts).map(([k, t]) => [k, copyOf.call(Float64Array, t.data) as Float64Array]));

function changed(ts: WireTensors, before: Map<string, Float64Array>): string | undefined {
  for (const [name, copy] of before) {
    const now = ts[name].data;
    for (let i = 0; i < copy.length; i++) {
      if (!Object.is(now[i], copy[i])) return `${name}[flat ${i}]: was ${copy[i]}, now ${now[i]}`;
    }
  }
  return undefined;
}

/** A returned value as a wire tensor: it must have an integer shape and as many numbers as that holds. */
function toWire(value: unknown, name: string, where: string): WireTensor {
  const t = value as { shape?: unknown; data?: ArrayLike<unknown> } | null;
  const bad = (why: string): never => {
    throw new Problem({ kind: 'bad-return', where, message: `${name}: ${why}` });
  };
  if (typeof t !== 'object' || t === null) return bad(`expected a tensor { shape, data }, got ${t === null ? 'null' : typeof t}`);
  if (!isArray(t.shape) || !t.shape.every((d) => Number.isInteger(d) && (d as number) >= 0)) return bad('shape is not a list of sizes');
  const size = (t.shape as number[]).reduce((a, b) => a * b, 1);
  if (!t.data || typeof t.data.length !== 'number') return bad('data is not an array of numbers');
  if (t.data.length !== size) return bad(`data holds ${t.data.length} numbers, shape [${t.shape.join(', ')}] needs ${size}`);
  const data = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    const v = t.data[i];
    if (typeof v !== 'number') return bad(`data[${i}] is ${typeof v}, not a number`);
    data[i] = v;
  }
  return { shape: [...(t.shape as number[])], data };
}

/** What the submission threw, as a fault: its message's first line, cleaned and cut (whatever the thrown value's getters do). */
export function faultOf(e: unknown, where: string): Fault {
  if (e instanceof Problem) return e.fault;
  try {
    const err = e as { message?: unknown; code?: unknown } | null;
    const message = String(err?.message ?? e);
    const kind = err?.code === 'ERR_ACCESS_DENIED' ? 'denied' : 'threw';
    return { kind, where, message: cleanText(message.split('\n', 1)[0]) };
  } catch {
    return { kind: 'threw', where, message: 'a value whose message cannot be read' };
  }
}

function run(module: Record<string, unknown>, req: RunRequest): RunReply {
  const { target } = req;
  const view = {
    forward: module[target.forward],
    backward: target.backward ? module[target.backward] : undefined,
  };
  const impl = implFromModule<WireTensor>(target.op as unknown as OpRow, view, 'submission');
  const reply: RunReply = { type: 'result', id: req.id, nonce: req.nonce, outputs: [] };
  let where = 'forward';
  try {
    req.calls.forEach(({ inputs, params }, k) => {
      where = req.calls.length > 1 ? `forward (call ${k + 1})` : 'forward';
      const before = snapshot(inputs);
      const step = (f: () => void, during: string) => {
        f();
        const diff = changed(inputs, before);
        if (diff) throw new Problem({ kind: 'mutated', where: during, message: `mutated its input ${diff}` });
      };
      let cache: unknown;
      step(() => {
        const result = impl.forward(inputs, params);
        cache = result.cache;
        reply.outputs.push(Object.fromEntries(Object.entries(result.outputs).map(([n, t]) => [n, toWire(t, n, where)])));
      }, where);
      if (k === 0 && req.douts && impl.backward) {
        where = 'backward';
        const douts = req.douts;
        const doutsBefore = snapshot(douts);
        step(() => {
          const grads = impl.backward!(douts, cache) as unknown;
          if (typeof grads !== 'object' || grads === null)
            throw new Problem({ kind: 'bad-return', where, message: `returned ${String(grads)}, not { dx, … }` });
          // Only the gradients of the differentiable inputs: extra keys are ignored, as in a forward's result.
          const returned = grads as Record<string, unknown>;
          reply.grads = Object.fromEntries(
            gradNames(target.op)
              .filter((n) => n in returned)
              .map((n) => [n, toWire(returned[n], n, where)]),
          );
        }, where);
        const diff = changed(douts, doutsBefore);
        if (diff) throw new Problem({ kind: 'mutated', where, message: `mutated its upstream gradient ${diff}` });
      }
    });
  } catch (e) {
    reply.fault = faultOf(e, where);
  }
  return reply;
}

/** Called by the bundle's entry once the submission module has loaded. */
export function serve(module: Record<string, unknown>): void {
  const functions = Object.keys(module).filter((k) => typeof module[k] === 'function');
  serveRequests(async (req: Request) =>
    req.type === 'load' ? ({ type: 'ready', id: req.id, nonce: req.nonce, functions } satisfies ReadyMessage) : run(module, req),
  );
}
