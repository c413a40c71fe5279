/**
 * Hostile: answers the first request with one 40 MB frame holding a list of 13 million empty
 * objects, streamed in 1 MB writes (its own memory stays small). Decoded, that list takes about
 * ten times its size in the grader's heap and seconds of its time; a few hundred MB of it would
 * exhaust the grader. Its relu is never run.
 */
import { writeChannel } from './frame';

const EMPTY_OBJECT = [0x6f, 0x7b, 0x00]; // V8 serialization: begin object, end object with 0 properties
const PER_CHUNK = 349_525;
const CHUNKS = 40;

/** A varint, as V8's serialization writes lengths. */
const varint = (n: number): number[] => (n < 0x80 ? [n] : [(n & 0x7f) | 0x80, ...varint(Math.floor(n / 0x80))]);

function bomb(): void {
  const count = PER_CHUNK * CHUNKS;
  const head = [0xff, 0x0f, 0x41, ...varint(count)]; // version 15, dense array of `count`
  const tail = [0x24, 0x00, ...varint(count)]; // end dense array: 0 properties, length
  const bytes = head.length + 3 * count + tail.length;
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes);
  writeChannel(Buffer.concat([length, Buffer.from(head)]));
  const chunk = Buffer.from(Array.from({ length: PER_CHUNK }, () => EMPTY_OBJECT).flat());
  for (let i = 0; i < CHUNKS; i++) if (!writeChannel(chunk)) return;
  writeChannel(Buffer.from(tail));
}

export function reluForward(): never {
  bomb();
  throw new Error('unreachable: the grader reads the frame first');
}

export { reluBackward } from './relu';
