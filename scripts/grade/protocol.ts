import { deserialize, serialize } from 'node:v8';
import type { Tensors } from '../../reference/tensor';
import { cleanText, MESSAGE_MAX } from './text';

/**
 * Messages between the grading harness (trusted parent) and the sandboxed child that runs a
 * submission, over a pipe of their own (file descriptor 3 in the child), not Node's IPC: a
 * hostile child can write any bytes onto that descriptor, and Node's IPC decodes them inside its
 * own read callback, where a malformed message throws past every handler and ends the grader.
 *
 * A frame is a 4-byte big-endian length, then the message in V8's serialization (which keeps
 * Float64Arrays). Tensors cross as { shape, data: Float64Array }; the child never sees the
 * reference, only inputs and upstream gradients. Every request carries an id and a random nonce;
 * the parent accepts exactly one reply per request, of the expected type, with both echoed, and
 * checks its structure (acceptReady, acceptReply): anything else is a ProtocolError.
 */
export interface WireTensor {
  shape: number[];
  data: Float64Array;
}

export type WireTensors = Record<string, WireTensor>;

/** Host tensors as they cross (a fresh shape array; the data is copied by the serialization). */
export const wire = (ts: Tensors): WireTensors => Object.fromEntries(Object.entries(ts).map(([k, t]) => [k, { shape: [...t.shape], data: t.data }]));

/** Which exports of the submission implement which op row (the row's id, inputs and outputs). */
export interface Target {
  op: {
    id: string;
    inputs: ReadonlyArray<{ name: string; kind: 'float' | 'int'; differentiable: boolean }>;
    outputs: readonly string[];
    gradOutputs?: readonly string[];
    /** A call may supply only some of `inputs` (OpRow.variadic). */
    variadic?: boolean;
  };
  forward: string;
  backward?: string;
}

interface Addressed {
  id: number;
  /** Random per request; the reply must echo it. */
  nonce: string;
}

/** Sent once per process: answered by a ReadyMessage once the submission has loaded. */
export interface LoadRequest extends Addressed {
  type: 'load';
}

/**
 * Forward on each call's inputs in order; with `douts`, backward right after the first forward
 * (on that forward's cache).
 */
export interface RunRequest extends Addressed {
  type: 'run';
  target: Target;
  calls: Array<{ inputs: WireTensors; params: Record<string, unknown> }>;
  douts?: WireTensors;
}

export type Request = LoadRequest | RunRequest;

/** What went wrong inside the submission, as the child saw it. */
export interface Fault {
  kind: 'threw' | 'bad-return' | 'mutated' | 'denied';
  /** `forward` or `backward`, and the call index for forwards. */
  where: string;
  message: string;
}

const FAULT_KINDS: ReadonlySet<string> = new Set<Fault['kind']>(['threw', 'bad-return', 'mutated', 'denied']);
const FAULT_PLACE = /^(forward( \(call \d{1,6}\))?|backward)$/;

export interface RunReply extends Addressed {
  type: 'result';
  outputs: WireTensors[];
  grads?: WireTensors;
  fault?: Fault;
}

export interface ReadyMessage extends Addressed {
  type: 'ready';
  /** Names of the submission's function exports. */
  functions: string[];
  /** Why the runner cannot run them (a twin runner without a WebGPU adapter). */
  error?: string;
}

/** Names of the gradients a backward returns: d<input> for each differentiable input. */
export const gradNames = (op: Target['op']): string[] => op.inputs.filter((i) => i.differentiable).map((i) => `d${i.name}`);

// ---------------------------------------------------------------------------------------------
// Frames

/** The largest frame either side accepts (a request or reply of the ops graded is far smaller). */
export const MAX_FRAME_BYTES = 256 * 1024 * 1024;

/**
 * The largest reply the parent decodes for a request of `requestBytes`: 16 MiB, plus 8 bytes per
 * byte of the request (outputs and gradients are of the inputs' order of size). Decoding is where
 * a hostile frame costs the grader: a list of empty objects takes about ten times its bytes in
 * the heap, so an unbounded frame could exhaust the grader's memory.
 */
export const replyLimit = (requestBytes: number): number => Math.min(MAX_FRAME_BYTES, 16 * 1024 * 1024 + 8 * requestBytes);

export function encodeFrame(message: unknown): Buffer {
  const body = serialize(message);
  const head = Buffer.alloc(4);
  head.writeUInt32BE(body.length);
  return Buffer.concat([head, body]);
}

/** Why a message, or the bytes carrying it, cannot be accepted: one line. */
export class ProtocolError extends Error {}

/** Splits a byte stream into messages. `push` throws a ProtocolError on an oversized or undecodable frame. */
export class FrameReader {
  /** Frames longer than this are refused as soon as their length arrives. */
  limit = MAX_FRAME_BYTES;
  private pending: Buffer[] = [];
  private buffered = 0;

  push(chunk: Buffer): unknown[] {
    this.pending.push(chunk);
    this.buffered += chunk.length;
    const messages: unknown[] = [];
    while (this.buffered >= 4) {
      if (this.pending[0].length < 4) this.pending = [Buffer.concat(this.pending)];
      const length = this.pending[0].readUInt32BE(0);
      if (length > this.limit) throw new ProtocolError(`a frame of ${length} bytes (at most ${this.limit})`);
      // Joined only once the whole frame is here: a large frame arriving in many chunks is copied once.
      if (this.buffered < 4 + length) break;
      const bytes = Buffer.concat(this.pending);
      try {
        messages.push(deserialize(bytes.subarray(4, 4 + length)));
      } catch (e) {
        throw new ProtocolError(`a frame that does not decode (${cleanText(String((e as Error).message), 120)})`);
      }
      const rest = bytes.subarray(4 + length);
      this.pending = rest.length ? [rest] : [];
      this.buffered = rest.length;
    }
    return messages;
  }
}

// ---------------------------------------------------------------------------------------------
// Validation (parent side): everything from the child is hostile until checked.

type Record_ = Record<string, unknown>;
const MAX_RANK = 8;
const MAX_FUNCTIONS = 10_000;
const MAX_NAME = 200;

const isRecord = (v: unknown): v is Record_ =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v) && Object.getPrototypeOf(v) === Object.prototype;

const reject = (why: string): never => {
  throw new ProtocolError(why);
};

/** A short description of an unexpected value, for a one-line reason. */
export function describeValue(v: unknown): string {
  if (v === null || typeof v !== 'object') return cleanText(typeof v === 'string' ? JSON.stringify(v) : String(v), 60);
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (!isRecord(v)) return `a ${Object.prototype.toString.call(v).slice(8, -1)}`;
  const type = typeof v.type === 'string' ? ` of type ${cleanText(JSON.stringify(v.type), 40)}` : '';
  return `an object${type}`;
}

function onlyKeys(v: Record_, allowed: readonly string[], what: string): void {
  const extra = Object.keys(v).find((k) => !allowed.includes(k));
  if (extra !== undefined) reject(`${what} with an unknown key ${cleanText(JSON.stringify(extra), 40)}`);
}

/** The frame's envelope: a plain object of the expected type, answering this request (id and nonce). */
function envelope(m: unknown, type: 'ready' | 'result', request: Request, keys: readonly string[]): Record_ {
  if (!isRecord(m) || m.type !== type) return reject(`${describeValue(m)} where a ${type} message was due`);
  if (m.id !== request.id || m.nonce !== request.nonce) return reject(`a ${type} message that answers no request it was sent (id or nonce differs)`);
  onlyKeys(m, ['type', 'id', 'nonce', ...keys], `a ${type} message`);
  return m;
}

function acceptTensor(v: unknown, where: string): WireTensor {
  if (!isRecord(v)) return reject(`${where}: ${describeValue(v)}, not a tensor`);
  onlyKeys(v, ['shape', 'data'], where);
  const { shape, data } = v;
  if (!Array.isArray(shape) || shape.length > MAX_RANK || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    return reject(`${where}: shape is not a list of at most ${MAX_RANK} sizes`);
  }
  if (!(data instanceof Float64Array)) return reject(`${where}: data is ${describeValue(data)}, not a Float64Array`);
  const size = (shape as number[]).reduce((a, b) => a * b, 1);
  if (data.length !== size) return reject(`${where}: data holds ${data.length} numbers, shape [${shape.join(', ')}] needs ${size}`);
  return { shape: shape as number[], data };
}

/** Named tensors whose names are among `names` (a missing one is the judge's to report). */
function acceptTensors(v: unknown, names: readonly string[], where: string): WireTensors {
  if (!isRecord(v)) return reject(`${where}: ${describeValue(v)}, not named tensors`);
  onlyKeys(v, names, where);
  return Object.fromEntries(Object.entries(v).map(([k, t]) => [k, acceptTensor(t, `${where} ${k}`)]));
}

function acceptFault(v: unknown): Fault {
  if (!isRecord(v)) return reject(`a fault that is ${describeValue(v)}`);
  onlyKeys(v, ['kind', 'where', 'message'], 'a fault');
  const { kind, where, message } = v;
  if (typeof kind !== 'string' || !FAULT_KINDS.has(kind)) return reject(`a fault of unknown kind ${describeValue(kind)}`);
  if (typeof where !== 'string' || !FAULT_PLACE.test(where)) return reject(`a fault at ${describeValue(where)}`);
  if (typeof message !== 'string') return reject(`a fault whose message is ${describeValue(message)}`);
  return { kind: kind as Fault['kind'], where, message: cleanText(message, MESSAGE_MAX) };
}

/** The child's answer to a LoadRequest, checked; throws a ProtocolError. */
export function acceptReady(m: unknown, request: LoadRequest): ReadyMessage {
  const v = envelope(m, 'ready', request, ['functions', 'error']);
  const { functions, error } = v;
  if (!Array.isArray(functions) || functions.length > MAX_FUNCTIONS || !functions.every((f) => typeof f === 'string' && f.length <= MAX_NAME)) {
    return reject('a ready message whose functions are not a list of names');
  }
  if (error !== undefined && typeof error !== 'string') return reject(`a ready message whose error is ${describeValue(error)}`);
  return { type: 'ready', id: request.id, nonce: request.nonce, functions, ...(error === undefined ? {} : { error: cleanText(error) }) };
}

/** The child's answer to a RunRequest, checked; throws a ProtocolError. Values may still be NaN: that is the judge's verdict. */
export function acceptReply(m: unknown, request: RunRequest): RunReply {
  const v = envelope(m, 'result', request, ['outputs', 'grads', 'fault']);
  const fault = v.fault === undefined ? undefined : acceptFault(v.fault);
  const { outputs } = v;
  const calls = request.calls.length;
  if (!Array.isArray(outputs) || outputs.length > calls || (!fault && outputs.length !== calls)) {
    return reject(`a result with ${Array.isArray(outputs) ? outputs.length : 'no list of'} outputs for ${calls} calls`);
  }
  const { op } = request.target;
  const reply: RunReply = {
    type: 'result',
    id: request.id,
    nonce: request.nonce,
    outputs: outputs.map((o, k) => acceptTensors(o, op.outputs, `output ${k + 1}`)),
  };
  if (v.grads !== undefined) {
    if (!request.douts) return reject('gradients nobody asked for');
    reply.grads = acceptTensors(v.grads, gradNames(op), 'gradients');
  }
  if (fault) reply.fault = fault;
  return reply;
}
