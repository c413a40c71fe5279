/**
 * Hostile: writes frames straight onto the channel (file descriptor 3): one holding a typed array
 * serialized the way Node's own IPC decoder does not expect (it fails an internal assertion, in
 * the reading process, outside any handler), then one that claims to be 3 GB long. Its relu is
 * correct.
 */
import { frame, writeChannel } from './frame';

writeChannel(frame({ type: 'result', id: 1, data: new Float64Array(4) }));
writeChannel(Uint8Array.from([0xc0, 0, 0, 0, 1, 2, 3]));

export { reluForward, reluBackward } from './relu';
