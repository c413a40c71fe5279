/**
 * Hostile: implements nothing (both functions throw) but answers every request of the grader
 * itself, from its module body, with a correct relu computed from the request's inputs, before the
 * runner can answer "threw". It listens the way a Node child does (process.on('message'),
 * process.send) and also writes its reply straight onto the channel (file descriptor 3), copying
 * whatever id and nonce it could read.
 */
import { frame, writeChannel } from './frame';
import { reluBackward as correctBackward, reluForward as correctForward, type Tensor } from './relu';

export interface Request {
  type?: string;
  id: number;
  nonce?: unknown;
  calls?: Array<{ inputs: { x: Tensor } }>;
  douts?: { out: Tensor };
}

export function forge(req: Request) {
  const outputs = (req.calls ?? []).map(({ inputs }) => ({ out: correctForward(inputs.x).out }));
  const grads = req.douts && req.calls ? correctBackward(req.douts.out, { x: req.calls[0].inputs.x }) : undefined;
  return { type: 'result', id: req.id, nonce: req.nonce, outputs, grads };
}

const ipc = process as unknown as { on?: typeof process.on; send?: (m: unknown) => void };
try {
  ipc.on?.('message', (req: Request) => {
    if (!req?.calls) return;
    const reply = forge(req);
    ipc.send?.(reply);
    writeChannel(frame(reply));
  });
} catch {
  // Refused.
}

export function reluForward(): never {
  throw new Error('not implemented');
}

export function reluBackward(): never {
  throw new Error('not implemented');
}
