import type { Tensors } from '../../reference/tensor';

/**
 * Messages between the grading harness (trusted parent) and the sandboxed child that runs a
 * submission. Tensors cross as { shape, data: Float64Array } (Node's 'advanced' IPC serialization
 * keeps typed arrays); the child never sees the reference, only inputs and upstream gradients.
 */
export interface WireTensor {
  shape: number[];
  data: Float64Array;
}

export type WireTensors = Record<string, WireTensor>;

/** Host tensors as they cross (a fresh shape array; the data is copied by the IPC serialization). */
export const wire = (ts: Tensors): WireTensors =>
  Object.fromEntries(Object.entries(ts).map(([k, t]) => [k, { shape: [...t.shape], data: t.data }]));

/** Which exports of the submission implement which op row (the row's id, inputs and outputs). */
export interface Target {
  op: {
    id: string;
    inputs: ReadonlyArray<{ name: string; kind: 'float' | 'int'; differentiable: boolean }>;
    outputs: readonly string[];
    gradOutputs?: readonly string[];
  };
  forward: string;
  backward?: string;
}

/**
 * Forward on each call's inputs in order; with `douts`, backward right after the first forward
 * (on that forward's cache).
 */
export interface RunRequest {
  id: number;
  target: Target;
  calls: Array<{ inputs: WireTensors; params: Record<string, unknown> }>;
  douts?: WireTensors;
}

/** What went wrong inside the submission, as the child saw it. */
export interface Fault {
  kind: 'threw' | 'bad-return' | 'mutated' | 'denied';
  /** `forward` or `backward`, and the call index for forwards. */
  where: string;
  message: string;
}

export interface RunReply {
  id: number;
  outputs: WireTensors[];
  grads?: WireTensors;
  fault?: Fault;
}

export interface ReadyMessage {
  ready: true;
  /** Names of the submission's function exports. */
  functions: string[];
  /** Why the runner cannot run them (a twin runner without a WebGPU adapter). */
  error?: string;
}
