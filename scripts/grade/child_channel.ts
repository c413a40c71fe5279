import { Socket } from 'node:net';
import { encodeFrame, FrameReader, type Request } from './protocol';

/**
 * The sandboxed child's end of the message channel (file descriptor 3, see protocol.ts). This
 * module's body runs before the submission's (the bundle's entry imports the runner first), and
 * takes what a submission could use to read the grader's requests or answer them itself:
 * - the channel's socket lives only in this closure, and process._getActiveHandles() leaves it out;
 * - the submission runs from a fresh macrotask (setImmediate), so async_hooks.executionAsyncResource()
 *   inside it is not the channel's handle;
 * There is no Node IPC channel: process.send and process.on('message') reach nothing.
 *
 * This raises the bar; it is not a boundary. Code in the same process can still write raw bytes
 * to the descriptor (the parent then rejects them: no valid nonce) or race the runner to read it,
 * and a heap snapshot or an async_hooks hook shows the runner's objects. The parent's checks
 * (protocol.ts acceptReply, judge.ts) are what a grade rests on.
 */
const CHANNEL_FD = 3;

const exit = process.exit.bind(process);
const defer = setImmediate;

const socket = new Socket({ fd: CHANNEL_FD, readable: true, writable: true });
const activeHandles = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles.bind(process);
Object.defineProperty(process, '_getActiveHandles', {
  value: () => activeHandles().filter((h) => h !== socket),
  writable: false,
  configurable: false,
});

let handler: ((request: Request) => Promise<unknown>) | undefined;
const waiting: Request[] = [];

/**
 * Answers each request with `answer(request)`, one reply per request. Requests that arrive
 * before this is called (a submission with top-level await) wait for it.
 */
export function serveRequests(answer: (request: Request) => Promise<unknown>): void {
  handler = answer;
  for (const request of waiting.splice(0)) dispatch(request);
}

function dispatch(request: Request): void {
  if (!handler) {
    waiting.push(request);
    return;
  }
  const answer = handler;
  defer(() => void answer(request).then((reply) => socket.write(encodeFrame(reply))));
}

const frames = new FrameReader();
socket.on('data', (chunk: Buffer) => {
  for (const request of frames.push(chunk)) dispatch(request as Request);
});
// The grader closed the channel (or died): nothing more will be asked.
socket.on('close', () => exit(0));
