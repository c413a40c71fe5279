import { POOL, CONV, type ImageObjective, type StyleTransferHyper } from '../../reference/models/style_transfer';
import { avgPool2dBackward, avgPool2dForward, type AvgPool2dCache } from '../avg_pool2d';
import { release, type GpuTensor } from '../buffers';
import { contentLossBackward, contentLossForward } from '../content_loss';
import { conv2dForward, convInputGrad, type Conv2dCache } from '../conv2d';
import { gramMatrixForward } from '../gram_matrix';
import { reluBackward, reluForward } from '../relu';
import { styleLossBackward, styleLossForward } from '../style_loss';
import { tvLossBackward, tvLossForward } from '../tv_loss';
import { add, addAndRelease, one } from './ops';

/**
 * Twin of reference/models/style_transfer.ts: the fixed feature net (conv 3×3 – relu blocks with
 * 2×2 average pools between them) and the content + style + tv objective, composed of twins. The
 * image, features, targets and gradients stay on the device; every intermediate is released. The
 * backward pass needs only dL/dimg, so each block's conv backward is the twin's input-gradient
 * kernel alone (no dw, db).
 */
interface BlockCache { pool?: AvgPool2dCache; pooled?: GpuTensor; conv: Conv2dCache; convOut: GpuTensor }

export function featureNetForward(net: Record<string, GpuTensor>, img: GpuTensor): { feats: GpuTensor[]; caches: BlockCache[] } {
  const feats: GpuTensor[] = [];
  const caches: BlockCache[] = [];
  for (let k = 0; `w${k}` in net; k++) {
    const pool = k > 0 ? avgPool2dForward(feats[k - 1], POOL) : undefined;
    const conv = conv2dForward(pool?.out ?? img, net[`w${k}`], net[`b${k}`], CONV);
    feats.push(reluForward(conv.out).out);
    caches.push({ pool: pool?.cache, pooled: pool?.out, conv: conv.cache, convOut: conv.out });
  }
  return { feats, caches };
}

/** Frees what featureNetForward allocated besides the features. */
export function releaseCaches(caches: readonly BlockCache[]): void {
  for (const c of caches) release(c.convOut, ...(c.pooled ? [c.pooled] : []));
}

/** dimg from the upstream gradients of every feats[k]; consumes (releases) dfeats. */
export function featureNetBackward(dfeats: GpuTensor[], caches: readonly BlockCache[]): GpuTensor {
  let g: GpuTensor | undefined;
  for (let k = caches.length - 1; k >= 0; k--) {
    const dfeat = g ? addAndRelease(g, dfeats[k]) : dfeats[k];
    const dconv = reluBackward(dfeat, { x: caches[k].convOut }).dx;
    const dx = convInputGrad(dconv, caches[k].conv.w, undefined, caches[k].conv.geometry);
    release(dfeat, dconv);
    const pool = caches[k].pool;
    g = pool ? avgPool2dBackward(dx, pool).dx : dx;
    if (pool) release(dx);
  }
  return g!;
}

/** Twin of styleTargets: the content features and the style Gram matrices, on the device. */
export function styleTargets(net: Record<string, GpuTensor>, content: GpuTensor, style: GpuTensor, hyper: StyleTransferHyper): { content: GpuTensor; styles: GpuTensor[] } {
  const c = featureNetForward(net, content);
  const s = featureNetForward(net, style);
  const targets = { content: c.feats[hyper.content_layer], styles: hyper.style_layers.map((l) => gramMatrixForward(s.feats[l]).out) };
  release(...c.feats.filter((f) => f !== targets.content), ...s.feats);
  releaseCaches([...c.caches, ...s.caches]);
  return targets;
}

/** Twin of styleTransferObjective; `dispose` frees the targets. */
export function styleTransferObjective(
  net: Record<string, GpuTensor>, content: GpuTensor, style: GpuTensor, hyper: StyleTransferHyper,
): ImageObjective<GpuTensor> & { dispose(): void } {
  const targets = styleTargets(net, content, style, hyper);
  const styleParams = { style_layers: hyper.style_layers, style_weights: hyper.style_weights };
  const objective = (img: GpuTensor) => {
    const { feats, caches } = featureNetForward(net, img);
    const c = contentLossForward(feats[hyper.content_layer], targets.content, { content_weight: hyper.content_weight });
    const s = styleLossForward(...feats, ...targets.styles, styleParams);
    const tv = tvLossForward(img, { tv_weight: hyper.tv_weight });
    const dloss = one(img);
    const sg = styleLossBackward(dloss, s.cache);
    const dfeats = feats.map((_, k) => sg[`dfeats_${k}`]);
    dfeats[hyper.content_layer] = addAndRelease(dfeats[hyper.content_layer], contentLossBackward(dloss, c.cache).dcurrent);
    const dimg = addAndRelease(featureNetBackward(dfeats, caches), tvLossBackward(dloss, tv.cache).dimg);
    const partial = add(c.loss, s.loss);
    const loss = add(partial, tv.loss);
    release(partial);
    release(dloss, ...feats, ...s.cache.residuals);
    releaseCaches(caches);
    return { loss, grads: { dimg }, terms: { content: c.loss, style: s.loss, tv: tv.loss } };
  };
  return Object.assign(objective, { dispose: () => release(targets.content, ...targets.styles) });
}
