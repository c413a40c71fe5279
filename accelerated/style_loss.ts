import { splitStyleArgs, type StyleLossParams, validateStyleLoss } from '../reference/style_loss';
import { zeros, type GpuTensor } from './runtime/buffers';
import { pointwise } from './runtime/pointwise';
import { lossGradient, sumOfTerms } from './runtime/scalar_loss';
import { scope } from './runtime/scope';
import { gramMatrices, gramMatricesBackward } from './style';

/**
 * Twin of reference/style_loss, per style layer: the Gram matrix by the stacked matmul of
 * accelerated/style.ts, the residual G − target (one invocation per entry), its weighted sum of
 * squares by the tree reduction; one single-invocation kernel adds the per-layer losses. Backward:
 * dG = 2·w·residual·dloss per entry, then the Gram backward (block-diagonal symmetrize + matmul).
 * Feature maps that are no style layer get zero-filled buffers (WebGPU zero-initializes them).
 */
export interface StyleLossCache {
  feats: GpuTensor[];
  layers: number[];
  weights: number[];
  residuals: GpuTensor[];
}

const gramScale = (f: GpuTensor): number => 1 / (f.shape[1] * f.shape[2] * f.shape[3]);

export function styleLossForward(...args: Array<GpuTensor | StyleLossParams>): { loss: GpuTensor; cache: StyleLossCache } {
  const { tensors, params } = splitStyleArgs(args);
  const { L, layers, weights } = validateStyleLoss(tensors, params);
  const feats = tensors.slice(0, L);
  return scope(() => {
    // A scope per layer: its Gram matrix is freed before the next layer's is made.
    const perLayer = layers.map((k, l) =>
      scope(() => {
        const gram = gramMatrices(feats[k], gramScale(feats[k]));
        const { residual } = pointwise(gram.gpu, {
          name: 'style_loss:residual',
          inputs: { gram, style_target: tensors[L + l] },
          outputs: { residual: { shape: gram.shape } },
          count: gram.shape[1] * gram.shape[2],
          body: 'residual[i] = gram[i] - style_target[i];',
        });
        const loss = sumOfTerms(
          { name: 'style_loss', inputs: { residual }, count: gram.shape[1] * gram.shape[2], body: 'terms[i] = residual[i] * residual[i];' },
          weights[l],
        );
        return { residual, loss };
      }),
    );
    const { loss } = pointwise(feats[0].gpu, {
      name: 'style_loss:total',
      inputs: Object.fromEntries(perLayer.map((layer, l) => [`loss_${l}`, layer.loss])),
      outputs: { loss: { shape: [] } },
      count: 1,
      body: `loss[0] = ${perLayer.map((_, l) => `loss_${l}[0]`).join(' + ')};`,
    });
    return { loss, cache: { feats, layers, weights, residuals: perLayer.map((layer) => layer.residual) } };
  });
}

export function styleLossBackward(dloss: GpuTensor, cache: StyleLossCache): Record<string, GpuTensor> {
  const { feats, layers, weights, residuals } = cache;
  return Object.fromEntries(
    feats.map((f, k) => {
      const l = layers.indexOf(k);
      if (l < 0) return [`dfeats_${k}`, zeros(f.gpu, f.shape)];
      // A scope per layer: its dG is freed before the next layer's is made.
      const dfeats = scope(() => {
        const { dgram } = lossGradient({
          name: 'style_loss',
          inputs: { residual: residuals[l] },
          dloss,
          grads: ['dgram'],
          shape: residuals[l].shape,
          uniforms: { weight: ['f32', weights[l]] },
          body: 'dgram[i] = 2.0 * weight * residual[i] * g;',
        });
        return gramMatricesBackward(dgram, f, gramScale(f));
      });
      return [`dfeats_${k}`, dfeats];
    }),
  );
}
