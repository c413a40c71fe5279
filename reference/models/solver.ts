import { randomBits } from '../init';
import { makeRng } from '../rng';
import * as schedules from '../schedules';
import { scalar, tensor, type Tensor } from '../tensor';
import type { Backend, ImageShifts, Model, OptimizerRule } from './backend';

/**
 * cs231n's Solver, for either backend: minibatch SGD-family training of a Model with one of the
 * optimizers of reference/optimizers.ts (or their twins), the learning rate of each epoch from a
 * schedule of reference/schedules.ts (evaluated at the epoch number), minibatches drawn from a
 * seeded shuffle per epoch, the train (on a fixed subsample) and validation accuracy after every
 * epoch, and the weights of the best validation accuracy restored at the end. A model's state params
 * (Model.state: batch norm running statistics) are not optimized: each step takes their next values
 * from the loss, and the best-weights restore brings them back with the weights.
 */
export interface SolverConfig {
  update: OptimizerRule;
  /** The optimizer's params (lr, rho, beta1, …); lr is replaced by the schedule's value if one is given. */
  optim_config: Record<string, number>;
  /** A schedule of reference/schedules.ts by op name, its params without base_lr (base_lr = optim_config.lr). */
  schedule?: { name: 'step_schedule' | 'cosine_schedule' | 'linear_schedule'; params: Record<string, number> };
  batch_size: number;
  num_epochs: number;
  seed: number;
  /** Training rows whose accuracy is reported each epoch (cs231n's num_train_samples). */
  num_train_samples?: number;
  /**
   * Data augmentation (off without it): each training row, an image of 1 or more channels of
   * image_size × image_size, is shifted by (dy, dx) pixels, each uniform in −max_shift … max_shift,
   * drawn per row from the Solver's seed and step (shiftsOf); pixels shifted in from outside are 0.
   */
  augment?: { max_shift: number; image_size: number };
}

export interface EpochReport {
  epoch: number;
  lr: number;
  loss: number;
  trainAcc: number;
  valAcc: number;
}
export interface SolverHooks {
  onIteration?(iteration: number, loss: number): void;
  onEpoch?(report: EpochReport): void;
}
export interface SolverResult<T> {
  params: Record<string, T>;
  bestValAcc: number;
  lossHistory: number[];
  epochs: EpochReport[];
}

/** The optimizer's state tensors per rule, in the order its function takes them. */
const STATE: Record<OptimizerRule, string[]> = {
  sgd: [],
  sgd_momentum: ['v'],
  nesterov: ['v'],
  adagrad: ['cache'],
  rmsprop: ['cache'],
  adam: ['m', 'v', 't'],
};

const SCHEDULES = {
  step_schedule: schedules.stepScheduleForward,
  cosine_schedule: schedules.cosineScheduleForward,
  linear_schedule: schedules.linearScheduleForward,
} as const;

/** The learning rate of `epoch` under the config's schedule (constant optim_config.lr without one). */
export function learningRate(config: SolverConfig, epoch: number): number {
  const base_lr = config.optim_config.lr;
  if (!config.schedule) return base_lr;
  const schedule = SCHEDULES[config.schedule.name] as (t: Tensor, p: object) => { out: Tensor };
  return schedule(scalar(epoch), { base_lr, ...config.schedule.params }).out.data[0];
}

/** The u32 seed of step `step` (0, 1, …) of a run with Solver seed `seed`: the PCG hash of reference/init.ts. */
export const stepSeed = (seed: number, step: number): number => randomBits(seed >>> 0, step);

/**
 * The per-row shifts of step `step` of a run with Solver seed `seed` (config.augment): dy and dx
 * uniform integers in −max_shift … max_shift from makeRng(`augment:<seed>:<step>`), row by row.
 */
export function shiftsOf(augment: NonNullable<SolverConfig['augment']>, rows: number, seed: number, step: number): ImageShifts {
  const { max_shift, image_size } = augment;
  if (!Number.isInteger(max_shift) || max_shift < 0) throw new Error(`Solver: augment.max_shift must be an integer ≥ 0, got ${max_shift}`);
  if (!Number.isInteger(image_size) || image_size <= max_shift)
    throw new Error(`Solver: augment.image_size must be an integer > max_shift (${max_shift}), got ${image_size}`);
  const rng = makeRng(`augment:${seed}:${step}`);
  const draw = () => Math.floor(rng() * (2 * max_shift + 1)) - max_shift;
  const dy: number[] = [];
  const dx: number[] = [];
  for (let r = 0; r < rows; r++) {
    dy.push(draw());
    dx.push(draw());
  }
  return { size: image_size, dy, dx };
}

/** The epoch's minibatches: a seeded Fisher–Yates shuffle of 0 … N − 1, cut into batch_size rows. */
export function minibatches(N: number, batchSize: number, seed: number, epoch: number): number[][] {
  const order = Array.from({ length: N }, (_, i) => i);
  const rng = makeRng(`solver:${seed}:${epoch}`);
  for (let i = N - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return Array.from({ length: Math.ceil(N / batchSize) }, (_, b) => order.slice(b * batchSize, (b + 1) * batchSize));
}

export class Solver<T> {
  private params: Record<string, T>;
  /** The params of the best validation accuracy so far (kept alive while newer params train on). */
  private best: Record<string, T> | undefined;
  private readonly state: Record<string, Record<string, T>> = {};
  /** train() has returned (and freed the optimizer state). */
  private finished = false;
  /** Steps taken so far: the counter of stepSeed. */
  private steps = 0;

  constructor(
    private readonly backend: Backend<T>,
    private readonly model: Model<T>,
    initialParams: Record<string, Tensor>,
    private readonly data: { X_train: T; y_train: T; X_val: T; y_val: T },
    private readonly config: SolverConfig,
  ) {
    if (config.augment) shiftsOf(config.augment, 0, config.seed, 0); // checks the config up front
    this.params = Object.fromEntries(Object.entries(initialParams).map(([k, t]) => [k, backend.upload(t)]));
    for (const name of model.state ?? []) {
      if (!(name in initialParams))
        throw new Error(`Solver: the model's state param ${name} is missing from the initial params (${Object.keys(initialParams).join(', ')})`);
    }
    for (const [name, w] of Object.entries(initialParams)) {
      if (model.state?.includes(name)) continue;
      this.state[name] = Object.fromEntries(
        STATE[config.update].map((s) => [s, s === 't' ? backend.upload(scalar(0), 'i32') : backend.upload(tensor(w.shape))]),
      );
    }
  }

  /** One optimizer step on rows `rows` of the training set; returns the minibatch loss. */
  async step(rows: readonly number[], lr: number): Promise<number> {
    if (this.finished) throw new Error('Solver: train() has finished and freed the optimizer state; make a new Solver to train again');
    const { backend, model, params, config } = this;
    const step = this.steps++;
    const shifts = config.augment && config.augment.max_shift > 0 ? shiftsOf(config.augment, rows.length, config.seed, step) : undefined;
    // The step's scope frees the minibatch, the loss and the gradients; it keeps the next weights and optimizer state.
    const { value, next, nextOptimizer } = await backend.scope(async () => {
      const batch = backend.gatherRows(this.data.X_train, this.data.y_train, rows, shifts);
      const { loss, grads, state: nextState = {} } = model.loss(params, batch.X, batch.y, { seed: stepSeed(config.seed, step) });
      const next: Record<string, T> = {};
      const nextOptimizer: Record<string, Record<string, T>> = {};
      for (const [name, w] of Object.entries(params)) {
        const state = this.state[name];
        if (!state) {
          if (!nextState[name]) throw new Error(`Solver: the model's loss returned no next value for its state param ${name}`);
          next[name] = nextState[name];
          continue;
        }
        const out = this.update(
          w,
          grads[`d${name}`],
          STATE[this.config.update].map((s) => state[s]),
          lr,
        );
        next[name] = out.next_w;
        nextOptimizer[name] = Object.fromEntries(Object.keys(state).map((s) => [s, out[`next_${s}`]]));
      }
      return { value: await backend.readScalar(loss), next, nextOptimizer };
    });
    // Weights and optimizer state outlive a step: the ones replaced are released here.
    for (const [name, state] of Object.entries(nextOptimizer)) {
      backend.release(...Object.values(this.state[name]));
      this.state[name] = state;
    }
    this.retire(params, next, this.best ?? {});
    this.params = next;
    return value;
  }

  /** Accuracy of the current params on (X, y), scored in chunks of `chunk` rows. */
  async accuracy(X: T, y: T, N: number, chunk = 1000): Promise<number> {
    let correct = 0;
    for (let start = 0; start < N; start += chunk) {
      const rows = Array.from({ length: Math.min(chunk, N - start) }, (_, i) => start + i);
      correct += await this.backend.scope(async () => {
        const part = this.backend.gatherRows(X, y, rows);
        return (await this.backend.accuracy(this.model.scores(this.params, part.X), part.y)) * rows.length;
      });
    }
    return correct / N;
  }

  async train(sizes: { train: number; val: number }, hooks: SolverHooks = {}): Promise<SolverResult<T>> {
    const { config } = this;
    const lossHistory: number[] = [];
    const epochs: EpochReport[] = [];
    let bestValAcc = -1;
    for (let epoch = 0; epoch < config.num_epochs; epoch++) {
      const lr = learningRate(config, epoch);
      for (const rows of minibatches(sizes.train, config.batch_size, config.seed, epoch)) {
        const loss = await this.step(rows, lr);
        lossHistory.push(loss);
        hooks.onIteration?.(lossHistory.length, loss);
      }
      const trainAcc = await this.accuracy(this.data.X_train, this.data.y_train, Math.min(sizes.train, config.num_train_samples ?? 1000));
      const valAcc = await this.accuracy(this.data.X_val, this.data.y_val, sizes.val);
      const report = { epoch: epoch + 1, lr, loss: lossHistory[lossHistory.length - 1], trainAcc, valAcc };
      epochs.push(report);
      hooks.onEpoch?.(report);
      if (valAcc > bestValAcc) {
        if (this.best) this.retire(this.best, this.params);
        this.best = this.params;
        bestValAcc = valAcc;
      }
    }
    if (this.best && this.best !== this.params) {
      this.retire(this.params, this.best);
      this.params = this.best;
    }
    this.best = undefined;
    // The optimizer state belongs to the last weights, not to the restored best ones: training ends here.
    for (const state of Object.values(this.state)) this.backend.release(...Object.values(state));
    this.finished = true;
    return { params: this.params, bestValAcc, lossHistory, epochs };
  }

  private update(w: T, dw: T, state: T[], lr: number): Record<string, T> {
    const p = { ...this.config.optim_config, lr };
    const o = this.backend.optimizers;
    const [a, b, c] = state;
    switch (this.config.update) {
      case 'sgd':
        return o.sgdForward(w, dw, p);
      case 'sgd_momentum':
        return o.sgdMomentumForward(w, dw, a, p);
      case 'nesterov':
        return o.nesterovForward(w, dw, a, p);
      case 'adagrad':
        return o.adagradForward(w, dw, a, p);
      case 'rmsprop':
        return o.rmspropForward(w, dw, a, p);
      case 'adam':
        return o.adamForward(w, dw, a, b, c, p);
    }
  }

  /** Frees the tensors of `old` that none of `keep` still holds. */
  private retire(old: Record<string, T>, ...keep: Array<Record<string, T>>): void {
    const kept = new Set(keep.flatMap((k) => Object.values(k)));
    this.backend.release(...Object.values(old).filter((t) => !kept.has(t)));
  }
}
