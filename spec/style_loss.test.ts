import { describe, expect, it } from 'vitest';
import { styleLossForward } from '../reference/style_loss';
import { tensor } from '../reference/tensor';

/**
 * The course's calling form, styleLossForward(feats_0, …, style_targets_0, …, params): the row's
 * cases always pass params, so what a call without them reads is checked here. The error's index
 * range [0, L − 1] shows how many arguments were read as tensors.
 */
describe('style_loss call form', () => {
  const feats = tensor([1, 1, 1, 2], [1, 2]);
  const target = tensor([1, 1, 1], [0.5]);

  it('reads every argument as a tensor when the last one is no params object', () => {
    expect(() => styleLossForward(feats, target)).toThrow(
      'style_loss: style_layers: expected a non-empty list of distinct feature indices in [0, 1], got undefined',
    );
  });

  it('names the missing style_layers when called with no arguments at all', () => {
    expect(() => styleLossForward()).toThrow('style_loss: style_layers: expected a non-empty list of distinct feature indices in [0, 0], got undefined');
  });

  it('reads a trailing plain object as the params', () => {
    // G = (1·1 + 2·2) / (H·W·C = 2) = 2.5; loss = w·(G − target)² = 3·(2.5 − 0.5)² = 12.
    expect(styleLossForward(feats, target, { style_layers: [0], style_weights: [3] }).loss.data[0]).toBe(12);
  });
});
