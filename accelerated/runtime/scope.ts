/**
 * Scoped device memory, like tfjs `tidy`: `scope(fn)` frees every device tensor made while fn runs
 * except those found in what fn returns (through plain objects and arrays; a view shares its
 * tensor's lease, so returning a view keeps the buffer) and those passed to `keep`. Tensors kept by an inner scope belong to the enclosing one,
 * which frees them in turn unless it returns them too. fn may be async: the scope closes when its
 * promise settles, so async scopes must not overlap (one awaited at a time, as a training loop does).
 *
 * This module knows tensors only by their lease (accelerated/runtime/buffers.ts registers each new tensor
 * with `track`), so it imports nothing and buffers.ts can import it.
 */

/** The allocation record a tensor and its views share: `live` until it is released. */
export interface Lease {
  live: boolean;
}

/** What a scope holds: each lease made inside it and how to free it. */
type Frees = Map<Lease, () => void>;

const open: Frees[] = [];
/** Every tracked lease → the scope that will free it. */
const owner = new WeakMap<Lease, Frees>();

/** Registers a new tensor's lease with the innermost open scope (none open: the caller owns it). */
export function track(lease: Lease, free: () => void): void {
  const current = open.at(-1);
  if (!current) return;
  current.set(lease, free);
  owner.set(lease, current);
}

/** Takes a tensor (or anything holding leases) out of every scope: the caller frees it. Returns it. */
export function keep<R>(value: R): R {
  for (const lease of leasesIn(value)) {
    owner.get(lease)?.delete(lease);
    owner.delete(lease);
  }
  return value;
}

export interface ScopeOptions {
  /** Called as the scope closes with how many tensors it freed (made inside, neither returned, kept nor released). */
  readonly freed?: (count: number) => void;
}

/** Runs fn and frees the device tensors it made but does not return (see the module comment); also when fn throws. */
export function scope<R>(fn: () => R, options: ScopeOptions = {}): R {
  const frees: Frees = new Map();
  open.push(frees);
  let result: R;
  try {
    result = fn();
  } catch (e) {
    close(frees, undefined, options);
    throw e;
  }
  if (result instanceof Promise) {
    return result.then(
      (value: unknown) => {
        close(frees, value, options);
        return value;
      },
      (e: unknown) => {
        close(frees, undefined, options);
        throw e;
      },
    ) as R;
  }
  close(frees, result, options);
  return result;
}

/**
 * Runs `count` steps of a loop that carries a state (a time loop's h and c, a gradient carried back):
 * step i gets the state and returns the next, each step in a scope of its own. A step frees what it
 * made except the next state, and the state it was given once it no longer returns it (unless that
 * came from `initial`, which stays its owner's), so memory stays that of one step however many run.
 * Iterative, so a loop of any length runs; reference/scoped_loop.ts's scopedLoop is the form for code
 * shared with the reference (layer and block loops), which nests one scope per step.
 */
export function scopedSteps<S>(initial: S, count: number, step: (state: S, i: number) => S): S {
  return scope(() => {
    // Holds, between two steps, the state the earlier one returned (its tensors come back here as a scope closes).
    const between = open.at(-1)!;
    let state = initial;
    for (let i = 0; i < count; i++) {
      const given = state;
      state = scope(() => {
        const current = open.at(-1)!;
        for (const lease of leasesIn(given)) {
          if (owner.get(lease) !== between) continue;
          current.set(lease, between.get(lease)!);
          between.delete(lease);
          owner.set(lease, current);
        }
        return step(given, i);
      });
    }
    return state;
  });
}

function close(frees: Frees, returned: unknown, { freed }: ScopeOptions): void {
  const at = open.lastIndexOf(frees);
  const overlapped = at !== open.length - 1;
  open.splice(at, 1);
  const returnedLeases = leasesIn(returned);
  const parent = open.at(-1);
  let count = 0;
  for (const [lease, free] of frees) {
    owner.delete(lease);
    if (returnedLeases.has(lease)) {
      if (parent) {
        parent.set(lease, free);
        owner.set(lease, parent);
      }
    } else if (lease.live) {
      free();
      count++;
    }
  }
  freed?.(count);
  if (overlapped) throw new Error('scope: an async scope closed while a scope opened after it was still open (async scopes must not overlap)');
}

/** The leases reachable from `value` through plain objects and arrays (a tensor is a plain object holding its lease). */
function leasesIn(value: unknown): Set<Lease> {
  const found = new Set<Lease>();
  const seen = new Set<object>();
  const walk = (v: unknown): void => {
    if (typeof v !== 'object' || v === null || seen.has(v)) return;
    seen.add(v);
    if (owner.has(v as Lease)) found.add(v as Lease);
    const proto = Object.getPrototypeOf(v);
    if (Array.isArray(v)) v.forEach(walk);
    else if (proto === Object.prototype || proto === null) Object.values(v).forEach(walk);
  };
  walk(value);
  return found;
}
