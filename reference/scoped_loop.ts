/**
 * The scope hook of a computation written once for the reference and a twin (reference/stacked_rnn.ts,
 * reference/transformer_layer.ts): the twin's frees the device tensors fn made but does not return
 * (`scope` of accelerated/runtime/scope.ts), the reference's only runs fn.
 */
export interface ScopeHook {
  scope<R>(fn: () => R): R;
}

/**
 * `count` steps of a loop that carries a state (a layer's output, a gradient carried back), as
 * scopedSteps in accelerated/runtime/scope.ts with only the hook: step i runs in a scope that first
 * runs the steps before it, so the state it is given was made in its scope and is freed as it closes
 * unless returned (`initial` is its owner's). The scopes of later steps are still empty while a step
 * runs, so memory stays that of one step however many run. It nests one scope (and a few stack
 * frames) per step: it is meant for a handful of layers or blocks; a time loop of any length uses
 * the iterative scopedSteps of accelerated/runtime/scope.ts.
 */
export function scopedLoop<S>(hook: ScopeHook, initial: S, count: number, step: (state: S, i: number) => S): S {
  const after = (i: number): S => (i < 0 ? initial : hook.scope(() => step(after(i - 1), i)));
  return after(count - 1);
}
