import { writeSync } from 'node:fs';
import { deserialize, serialize } from 'node:v8';

/**
 * Not a submission: writes bytes straight onto the sandbox's message channel (file descriptor 3)
 * the way the hostile submissions here try to talk to the grader past the runner. `frame` wraps a
 * value the way the channel does (4-byte big-endian length, then V8's serialization).
 */
export const CHANNEL_FD = 3;

export const frame = (message: unknown): Buffer => {
  const body = serialize(message);
  const head = Buffer.alloc(4);
  head.writeUInt32BE(body.length);
  return Buffer.concat([head, body]);
};

/** Writes raw bytes to the channel; false where the descriptor is not there or refuses. */
export function writeChannel(bytes: Uint8Array): boolean {
  try {
    writeSync(CHANNEL_FD, bytes);
    return true;
  } catch {
    return false;
  }
}

/** The messages in a chunk read off the channel (whole frames only: enough for a small request). */
export function unframe(chunk: Buffer): unknown[] {
  const messages: unknown[] = [];
  for (let at = 0; at + 4 <= chunk.length;) {
    const length = chunk.readUInt32BE(at);
    if (at + 4 + length > chunk.length) break;
    messages.push(deserialize(chunk.subarray(at + 4, at + 4 + length)));
    at += 4 + length;
  }
  return messages;
}
