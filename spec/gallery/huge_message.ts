/**
 * Gallery: relu whose forward throws a 20 MB message full of terminal escapes, NUL, U+FFFF and a
 * lone surrogate: the reports must stay small, valid XML/JSON and free of escape sequences.
 */
export function reluForward(): never {
  throw new Error(`\u001b[2J\u001b[31mboom\u0000\uffff\ud800 ${'\u001b[1mA'.repeat(5_000_000)}`);
}

export function reluBackward(): never {
  throw new Error('unreachable');
}
