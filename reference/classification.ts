import type { Tensor } from './tensor';
import { requireFinite, requireLabels, requireRank, requireShape, type Shaped } from './validate';

/** Shared by the classification losses: x (N, C) finite scores, y (N) integer labels in [0, C). */
export function validateScoresAndLabels(op: string, x: Shaped, y: Shaped): { N: number; C: number } {
  requireRank(op, 'x', x, 2);
  const [N, C] = x.shape;
  requireShape(op, 'y', y, [N], `N = ${N} from x`);
  requireFinite(op, 'x', x);
  requireLabels(op, 'y', y, C);
  return { N, C };
}

/** Cache of a classification loss: its inputs. */
export interface LossCache {
  x: Tensor;
  y: Tensor;
}

/** Requires the upstream gradient of a scalar loss to be a scalar (host or device tensor). */
export function requireLossGradient(op: string, dloss: Shaped): void {
  requireShape(`${op}_backward`, 'dloss', dloss, [], 'a scalar loss');
}

/** The upstream gradient of a scalar loss. */
export function lossGradient(op: string, dloss: Tensor): number {
  requireLossGradient(op, dloss);
  return dloss.data[0];
}
