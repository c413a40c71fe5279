import { join } from 'node:path';
import type { Gpu } from '../../accelerated/runtime/device';
import { openBackend } from '../../accelerated/models/open_backend';
import { gpuCaptionBackend } from '../../accelerated/models/captioning_ops';
import { gpuCaptioningRnn } from '../../accelerated/models/captioning_rnn';
import { gpuCaptioningTransformer } from '../../accelerated/models/captioning_transformer';
import type { Backend, BackendName, Model } from '../../reference/models/backend';
import { REFERENCE_CAPTION_BACKEND } from '../../reference/models/captioning_ops';
import { initCaptioningRnn, referenceCaptioningRnn, type CellKind } from '../../reference/models/captioning_rnn';
import { initCaptioningTransformer, referenceCaptioningTransformer } from '../../reference/models/captioning_transformer';
import { captionText, CELL_SIZE, readStripFixture, stripImages, stripSplits, WORDS, type StripSet } from '../../reference/models/digit_strips';
import { readE2eFixture, readSplitFixture } from '../../reference/models/fixtures';
import { Solver, type EpochReport, type SolverConfig } from '../../reference/models/solver';
import type { Tensor } from '../../reference/tensor';
import { writeImageGrid } from './png';
import type { Check, Task, TaskOptions } from './task';

/**
 * Image captioning on digit strips (reference/models/digit_strips.ts; generator in
 * fixtures/e2e/captioning_strips.json), one task per captioner, each with two checks:
 *   overfit: the Solver on the first `overfit.strips` train strips; its loss is the mean minibatch
 *     loss of the last epoch (every strip once), which must reach at most targets.overfit_loss;
 *   generalization: the Solver on the train strips (best validation exact match kept), then greedy
 *     captions of the held-out test strips (digits of the MNIST test split), exact match ≥ targets.exact_match.
 * trainCaptioner is also what spec/captioning_models.test.ts calls, with small sizes.
 */
export const CAPTIONERS = ['captioning_rnn', 'captioning_lstm', 'captioning_attention_lstm', 'captioning_transformer'] as const;
export type CaptionerName = (typeof CAPTIONERS)[number];

export interface CaptioningFixture {
  model: CaptionerName;
  targets: { overfit_loss: number; exact_match: number };
  /** cell_dim (the cell encoder's hidden width); rnn cells: wordvec_dim, hidden_dim; transformer: embed_dim, ffn_dim, num_heads, num_layers. */
  hyper: Record<string, number>;
  overfit: SolverConfig & { strips: number };
  solver: SolverConfig;
}

export const readCaptioningFixture = (model: CaptionerName): CaptioningFixture =>
  readE2eFixture<CaptioningFixture>(model, ['targets', 'hyper', 'overfit', 'solver']);

const CELLS: Record<Exclude<CaptionerName, 'captioning_transformer'>, CellKind> = {
  captioning_rnn: 'rnn',
  captioning_lstm: 'lstm',
  captioning_attention_lstm: 'attention_lstm',
};

/** The init and the model on either backend, from the fixture's hyper-parameters and the strips' sizes. */
function captioner(name: CaptionerName, hyper: Record<string, number>, shape: { P: number; L: number }) {
  const sizes = { P: shape.P, Dc: CELL_SIZE, C: hyper.cell_dim, V: WORDS.length };
  if (name === 'captioning_transformer') {
    const options = { length: shape.L, heads: hyper.num_heads, F: hyper.ffn_dim, layers: hyper.num_layers };
    return {
      init: (seed: number) =>
        initCaptioningTransformer({ ...sizes, E: hyper.embed_dim, F: hyper.ffn_dim, heads: hyper.num_heads, layers: hyper.num_layers }, seed),
      reference: () => referenceCaptioningTransformer(options),
      webgpu: (gpu: Gpu) => gpuCaptioningTransformer(gpu, options),
    };
  }
  const cell = CELLS[name];
  return {
    init: (seed: number) => initCaptioningRnn(cell, { ...sizes, W: hyper.wordvec_dim, H: hyper.hidden_dim }, seed),
    reference: () => referenceCaptioningRnn(cell, { length: shape.L }),
    webgpu: (gpu: Gpu) => gpuCaptioningRnn(gpu, cell, { length: shape.L }),
  };
}

export interface CaptionTrainOptions {
  backend: BackendName;
  /** Overrides the fixture's solver num_epochs. */
  epochs?: number;
  /** Overrides the fixture's seeds (init and shuffling; the strips stay the fixture's). */
  seed?: number;
  /** At most this many strips per split (short runs). */
  limit?: number;
  /** Overrides of the two Solver configs (short runs); `overfit: null` skips the overfit phase. */
  overfit?: Partial<CaptioningFixture['overfit']> | null;
  solver?: Partial<SolverConfig>;
  onIteration?(iteration: number, total: number, loss: number): void;
  onEpoch?(phase: 'overfit' | 'train', report: EpochReport): void;
}

export interface PhaseResult {
  lossHistory: number[];
  epochs: EpochReport[];
  /** The mean minibatch loss of the last epoch. */
  finalLoss: number;
}

export interface CaptionTrainResult {
  overfit?: PhaseResult;
  train: PhaseResult & { bestValMatch: number };
  testMatch: number;
  /** Greedy captions (N, L) of the first test strips, and the trained params, read back. */
  samples: Tensor;
  params: Record<string, Tensor>;
  seconds: { overfit: number; train: number };
}

const lastEpochMean = (history: number[], stepsPerEpoch: number): number => {
  const last = history.slice(-stepsPerEpoch);
  return last.reduce((a, b) => a + b, 0) / last.length;
};

const SAMPLES = 16;

export async function trainCaptioner(name: CaptionerName, options: CaptionTrainOptions): Promise<CaptionTrainResult> {
  const fixture = readCaptioningFixture(name);
  const strips = stripSplits(readStripFixture(), readSplitFixture(), options.limit);
  const [, P] = strips.train.cells.shape;
  const parts = captioner(name, fixture.hyper, { P, L: strips.train.captions.shape[1] });
  const backend = await openBackend(options.backend);
  if (backend.name === 'reference') return runCaptioner(REFERENCE_CAPTION_BACKEND, parts.reference(), parts.init, fixture, strips, options);
  return runCaptioner(gpuCaptionBackend(backend), parts.webgpu(backend.gpu), parts.init, fixture, strips, options);
}

async function runCaptioner<T>(
  backend: Backend<T>,
  model: Model<T>,
  init: (seed: number) => Record<string, Tensor>,
  fixture: CaptioningFixture,
  strips: Record<'train' | 'val' | 'test', StripSet>,
  options: CaptionTrainOptions,
): Promise<CaptionTrainResult> {
  const seeded = <C extends SolverConfig>(c: C): C => (options.seed === undefined ? c : { ...c, seed: options.seed });
  const overfitConfig = options.overfit === null ? undefined : seeded({ ...fixture.overfit, ...options.overfit });
  const trainConfig = seeded({ ...fixture.solver, ...options.solver, ...(options.epochs ? { num_epochs: options.epochs } : {}) });
  const on = (set: StripSet, rows?: number) => {
    const n = Math.min(rows ?? Infinity, set.cells.shape[0]);
    const pick = (t: Tensor): Tensor => ({ shape: [n, ...t.shape.slice(1)], data: t.data.subarray(0, n * (t.data.length / t.shape[0])) });
    return { X: backend.upload(pick(set.cells)), y: backend.upload(pick(set.captions), 'i32'), N: n };
  };
  const steps = (c: SolverConfig, N: number) => c.num_epochs * Math.ceil(N / c.batch_size);
  const overfitStrips = overfitConfig ? Math.min(overfitConfig.strips, strips.train.cells.shape[0]) : 0;
  const total = (overfitConfig ? steps(overfitConfig, overfitStrips) : 0) + steps(trainConfig, strips.train.cells.shape[0]);
  let done = 0;
  const hooks = (phase: 'overfit' | 'train') => ({
    onIteration: (_: number, loss: number) => options.onIteration?.(++done, total, loss),
    onEpoch: (r: EpochReport) => options.onEpoch?.(phase, r),
  });
  const phase = async (config: SolverConfig, train: ReturnType<typeof on>, val: ReturnType<typeof on>, name: 'overfit' | 'train') => {
    const solver = new Solver(backend, model, init(config.seed), { X_train: train.X, y_train: train.y, X_val: val.X, y_val: val.y }, config);
    const result = await solver.train({ train: train.N, val: val.N }, hooks(name));
    const finalLoss = lastEpochMean(result.lossHistory, Math.ceil(train.N / config.batch_size));
    return { solver, result, summary: { lossHistory: result.lossHistory, epochs: result.epochs, finalLoss } };
  };

  const started = performance.now();
  let overfit: PhaseResult | undefined;
  if (overfitConfig) {
    const few = on(strips.train, overfitStrips);
    const run = await phase(overfitConfig, few, few, 'overfit');
    overfit = run.summary;
    backend.release(...Object.values(run.result.params), few.X, few.y);
  }
  const overfitSeconds = (performance.now() - started) / 1000;

  const [train, val, test] = [on(strips.train), on(strips.val), on(strips.test)];
  try {
    const run = await phase(trainConfig, train, val, 'train');
    const testMatch = await run.solver.accuracy(test.X, test.y, test.N);
    const samples = await backend.scope(() => {
      const shown = backend.gatherRows(
        test.X,
        test.y,
        Array.from({ length: Math.min(SAMPLES, test.N) }, (_, i) => i),
      );
      return backend.read(model.scores(run.result.params, shown.X));
    });
    const params = Object.fromEntries(await Promise.all(Object.entries(run.result.params).map(async ([k, t]) => [k, await backend.read(t)] as const)));
    backend.release(...Object.values(run.result.params));
    return {
      overfit,
      train: { ...run.summary, bestValMatch: run.result.bestValAcc },
      testMatch,
      samples,
      params,
      seconds: { overfit: overfitSeconds, train: (performance.now() - started) / 1000 - overfitSeconds },
    };
  } finally {
    backend.release(train.X, train.y, val.X, val.y, test.X, test.y);
  }
}

const percent = (x: number) => `${(100 * x).toFixed(2)}%`;

const SUMMARIES: Record<CaptionerName, string> = {
  captioning_rnn: "vanilla RNN captioner (h0 = the cells' features side by side)",
  captioning_lstm: "LSTM captioner (h0 = the cells' features side by side)",
  captioning_attention_lstm: 'LSTM with dot-product attention over the digit cells',
  captioning_transformer: 'transformer decoder captioner, memory = one token per digit cell',
};

/** The captioners as tasks: held-out exact match and the overfit loss against the fixture's targets. */
export const CAPTIONING_TASKS: Task[] = CAPTIONERS.map((name) => ({
  name,
  summary: `digit strips: ${SUMMARIES[name]}`,
  async run(options: TaskOptions) {
    const fixture = readCaptioningFixture(name);
    const result = await trainCaptioner(name, {
      ...options,
      onEpoch: (phase, r) =>
        options.onReport?.(
          `${phase} epoch ${r.epoch}: lr ${r.lr.toExponential(2)}  loss ${r.loss.toFixed(4)}  train match ${percent(r.trainAcc)}  val match ${percent(r.valAcc)}`,
        ),
    });
    const checks: Check[] = [
      { metric: 'held-out exact match', value: result.testMatch, target: fixture.targets.exact_match },
      { metric: 'overfit loss', value: result.overfit!.finalLoss, target: fixture.targets.overfit_loss, atMost: true },
    ];
    const strips = stripSplits(readStripFixture(), readSplitFixture(), SAMPLES).test;
    const [, L] = result.samples.shape;
    const details = [
      `best validation exact match ${percent(result.train.bestValMatch)}`,
      `seconds: overfit ${result.seconds.overfit.toFixed(1)}, train + evaluation ${result.seconds.train.toFixed(1)}`,
      ...strips.digits.slice(0, 8).map((d, n) => `test strip ${n}: "${d.join(' ')}" → "${captionText(result.samples.data.subarray(n * L, (n + 1) * L))}"`),
    ];
    const file = writeImageGrid(join(options.outDir, `${name}_${options.backend}_test_strips.png`), stripImages(strips.cells), { cols: 2, range: [0, 1] });
    return { checks, details, files: [file] };
  },
}));
