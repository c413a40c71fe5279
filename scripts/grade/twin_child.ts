import { read, type GpuTensor } from '../../accelerated/runtime/buffers';
import { getGpu } from '../../accelerated/runtime/device';
import type { Tensor, Tensors } from '../../reference/tensor';
import type { OpRow, Params, TwinImpl } from '../../spec/harness/op';
import { runTwin } from '../../spec/harness/twin';
import { faultOf, Problem } from './child';
import { serveRequests } from './child_channel';
import { gradNames as gradNamesOf, wire, type ReadyMessage, type Request, type RunReply, type RunRequest } from './protocol';

/**
 * The child side of grading a twin-shaped submission (`grade --twin`): functions on GpuTensors,
 * as in accelerated/<op>.ts. esbuild bundles this file with the submission; the process runs with
 * a heap limit but WITHOUT Node's permission model, which forbids native addons such as Dawn. It
 * makes its own WebGPU device (accelerated/runtime/device.ts, so SwiftShader is found without a GPU), and
 * per case spec/harness/twin.ts runTwin uploads the inputs (float → f32, int → i32), runs forward and
 * backward, reads the results back and frees the buffers. The row's own input checks are not run:
 * rejecting bad inputs is the submission's job (the errors test). Only the named outputs and
 * gradients are read: extra keys in a result are ignored.
 */

const isGpuTensor = (t: unknown): t is GpuTensor => {
  const g = t as Partial<GpuTensor> | null;
  return typeof g === 'object' && g !== null && Array.isArray(g.shape) && (g.dtype === 'f32' || g.dtype === 'i32') && g.buffer instanceof GPUBuffer;
};

/** The named tensors of a returned object, each of which must be a GpuTensor (a host tensor is a common slip). */
function gpuTensors(result: unknown, names: readonly string[], where: string): Record<string, GpuTensor> {
  if (typeof result !== 'object' || result === null) {
    throw new Problem({ kind: 'bad-return', where, message: `${String(result)}, not { ${names.join(', ')}, … }` });
  }
  const found = result as Record<string, unknown>;
  for (const name of names) {
    const t = found[name];
    if (!isGpuTensor(t)) {
      const what = t && typeof t === 'object' && 'data' in t ? 'a host tensor' : t === undefined ? 'nothing' : typeof t;
      throw new Problem({ kind: 'bad-return', where, message: `${name}: expected a GpuTensor { shape, dtype, buffer }, got ${what}` });
    }
  }
  return Object.fromEntries(names.map((n) => [n, found[n] as GpuTensor]));
}

/** What an input holds on the device after upload: float64 rounded to f32, or truncated to i32. */
const uploaded = (t: Tensor, dtype: GpuTensor['dtype']) => (dtype === 'f32' ? Float32Array.from(t.data) : Int32Array.from(t.data));

/** Reads the inputs back after the forward pass: a kernel that wrote into one is caught. */
async function checkUnchanged(inputs: Record<string, GpuTensor>, host: Tensors): Promise<void> {
  for (const [name, g] of Object.entries(inputs)) {
    const was = uploaded(host[name], g.dtype);
    const now = (await read(g)).data;
    const i = was.findIndex((v, k) => !Object.is(v, now[k]));
    if (i >= 0) throw new Problem({ kind: 'mutated', where: 'forward', message: `mutated its input ${name}[flat ${i}]: was ${was[i]}, now ${now[i]}` });
  }
}

/** The submission's functions as a TwinImpl that checks what they return and tracks which pass is running. */
function twinOf(module: Record<string, unknown>, req: RunRequest, stage: { where: string }): TwinImpl {
  const { op, forward, backward } = req.target;
  const fwd = module[forward] as (...args: unknown[]) => unknown;
  const bwd = backward ? (module[backward] as (...args: unknown[]) => unknown) : undefined;
  const gradOutputs = op.gradOutputs ?? op.outputs.slice(0, 1);
  // A variadic op's call supplies only some of its declared inputs: pass those, expect their grads.
  const given = op.inputs.filter((i) => !op.variadic || i.name in req.calls[0].inputs);
  const gradNames = gradNamesOf({ ...op, inputs: given });
  return {
    // A twin's forward may be async (nms reads its kept count back before shaping its output).
    async forward(inputs: Record<string, GpuTensor>, params: Params) {
      const result = (await fwd(...given.map((i) => inputs[i.name]), params)) as { cache?: unknown } | null;
      const outputs = gpuTensors(result, op.outputs, 'forward');
      await checkUnchanged(inputs, req.calls[0].inputs);
      return { outputs, cache: result!.cache };
    },
    backward:
      bwd &&
      ((douts: Record<string, GpuTensor>, cache: unknown) => {
        stage.where = 'backward';
        return gpuTensors(bwd(...gradOutputs.map((n) => douts[n]), cache), gradNames, 'backward');
      }),
  };
}

async function run(module: Record<string, unknown>, req: RunRequest): Promise<RunReply> {
  const stage = { where: 'forward' };
  const reply: RunReply = { type: 'result', id: req.id, nonce: req.nonce, outputs: [] };
  try {
    const [{ inputs, params }] = req.calls;
    // Without the row's host checks: rejecting bad inputs is the submission's own job (the errors test).
    const run = await runTwin(req.target.op as unknown as OpRow, { inputs, params }, req.douts, twinOf(module, req, stage), { hostChecks: false });
    reply.outputs.push(wire(run.outputs));
    if (run.grads) reply.grads = wire(run.grads);
  } catch (e) {
    reply.fault = faultOf(e, stage.where);
  }
  return reply;
}

/** Called by the bundle's entry once the submission module has loaded: answers the load request once the device is made, then runs requests. */
export function serve(module: Record<string, unknown>): void {
  const functions = Object.keys(module).filter((k) => typeof module[k] === 'function');
  const device = getGpu().then(
    () => undefined,
    (e: Error) => e.message,
  );
  serveRequests(async (req: Request) => {
    if (req.type === 'run') return run(module, req);
    const error = await device;
    return { type: 'ready', id: req.id, nonce: req.nonce, functions, ...(error === undefined ? {} : { error }) } satisfies ReadyMessage;
  });
}
