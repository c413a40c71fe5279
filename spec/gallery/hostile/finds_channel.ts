/**
 * Hostile: implements nothing (both functions throw) but looks for the runner's own channel to
 * read the grader's requests (nonce included) and answer them first, with a correct relu: among
 * the process's active handles (process._getActiveHandles()), and as the resource its function is
 * called from (async_hooks.executionAsyncResource(): if the runner called it straight from the
 * channel's read, that is the channel's handle, whose owner is the channel).
 */
import asyncHooks from 'node:async_hooks';
import { forge, type Request } from './forges_replies';
import { frame, unframe } from './frame';

interface Channel {
  on(event: 'data', listener: (chunk: Buffer) => void): void;
  write(bytes: Uint8Array): void;
}

const isChannel = (h: unknown): h is Channel =>
  typeof (h as Channel)?.on === 'function' &&
  typeof (h as Channel)?.write === 'function' &&
  (h as { fd?: number; _handle?: { fd?: number } })._handle?.fd === 3;

let hijacked = false;

function hijack(channel: Channel): void {
  if (hijacked) return;
  hijacked = true;
  channel.on('data', (chunk) => {
    for (const req of unframe(chunk) as Request[]) if (req?.calls) channel.write(frame(forge(req)));
  });
}

try {
  const handles = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles();
  handles.filter(isChannel).forEach(hijack);
} catch {
  // Refused.
}

/** Hijacks the channel that owns `handle` (a symbol-keyed property of it). */
function hijackOwner(handle: object): void {
  for (const key of Object.getOwnPropertySymbols(handle)) {
    const owner = (handle as Record<symbol, unknown>)[key];
    if (isChannel(owner)) hijack(owner);
  }
}

export function reluForward(): never {
  hijackOwner(asyncHooks.executionAsyncResource());
  throw new Error('not implemented');
}

export function reluBackward(): never {
  throw new Error('not implemented');
}
