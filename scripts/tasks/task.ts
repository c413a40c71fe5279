import type { BackendName } from '../../reference/models/backend';

/**
 * An end-to-end task of `gradcheck train` and `npm run e2e`: one model trained (or optimized) on
 * its data on one backend, ending in one metric checked against its target. Each task file
 * (scripts/tasks/<family>.ts) exports its tasks; scripts/tasks/index.ts lists them all.
 */
export interface TaskOptions {
  backend: BackendName;
  /** Overrides the fixture's epochs (or steps, for tasks that count steps). */
  epochs?: number;
  /** Overrides the fixture's seed (weight init and shuffling; data splits stay the fixture's). */
  seed?: number;
  /** Folder for the PNG files a task writes (sample grids, saliency maps, …). */
  outDir: string;
  /** One tick per optimizer step, with its loss. */
  onIteration?(iteration: number, total: number, loss: number): void;
  /** One line per epoch (or per report), printed under the progress bar. */
  onReport?(line: string): void;
}

/** One number a full run must reach: value ≥ target, or value ≤ target where atMost (losses). */
export interface Check {
  /** What value measures, e.g. 'test accuracy', 'exact match', 'mAP@0.5', 'overfit loss'. */
  metric: string;
  value: number;
  target: number;
  atMost?: boolean;
}

export const passes = (c: Check): boolean => (c.atMost ? c.value <= c.target : c.value >= c.target);

export interface TaskOutcome {
  /** Every check the run must pass; the first is the task's headline metric. */
  checks: Check[];
  /** Extra summary lines (per-phase numbers), printed after the result. */
  details?: string[];
  /** Files written (PNG), relative to the working directory. */
  files?: string[];
}

export interface Task {
  name: string;
  /** One line for `gradcheck train --help` and the README. */
  summary: string;
  run(options: TaskOptions): Promise<TaskOutcome>;
}

/** A metric for printing: fractions as percentages, everything else as a number. */
export function formatMetric(metric: string, value: number): string {
  return /accuracy|match|mAP|fooled/.test(metric) ? `${(100 * value).toFixed(2)}%` : value.toPrecision(4);
}

/** 'test accuracy 97.10% (target ≥ 97.00%)' */
export const describeCheck = (c: Check): string =>
  `${c.metric} ${formatMetric(c.metric, c.value)} (target ${c.atMost ? '≤' : '≥'} ${formatMetric(c.metric, c.target)})`;
