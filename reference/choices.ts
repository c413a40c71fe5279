import { InputError, shown } from './validate';

/**
 * Checks of non-numeric params (numbers go through `hyper` of reference/hyperparams.ts), with the
 * messages of reference/validate.ts: `op: arg: expected …, got …`.
 */
/** "a", "b" or "c" */
const listed = (choices: readonly string[]): string => {
  const quoted = choices.map((c) => JSON.stringify(c));
  return quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
};

/** The param `name` of `params` (or `fallback` when absent), one of `choices`. */
export function choice<T extends string>(op: string, params: object, name: string, choices: readonly T[], fallback?: T): T {
  const value = (params as Record<string, unknown>)[name] ?? fallback;
  if (!choices.includes(value as T)) throw new InputError(op, name, listed(choices), shown(value));
  return value as T;
}

/** The param `name` of `params` (or `fallback` when absent), a boolean. */
export function flag(op: string, params: object, name: string, fallback?: boolean): boolean {
  const value = (params as Record<string, unknown>)[name] ?? fallback;
  if (typeof value !== 'boolean') throw new InputError(op, name, 'true or false', shown(value));
  return value;
}
