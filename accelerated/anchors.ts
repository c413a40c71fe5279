import { validateAnchors, type AnchorsParams } from '../reference/anchors';
import { tensor } from '../reference/tensor';
import { zeros, upload, type GpuTensor } from './runtime/buffers';
import { scope } from './runtime/scope';
import { storeBox } from './boxes';
import { kernel, launch } from './runtime/kernel';

/**
 * Twin of reference/anchors: one invocation per anchor row decodes (cell, ratio, scale) from its
 * index and writes the box; the param lists are uploaded as they are, every formula runs here.
 */
const anchorKernel = kernel({
  name: 'anchors',
  inputs: { ratios: 'f32', scales: 'f32' },
  outputs: { anchors: 'f32' },
  uniforms: { Wf: 'u32', R: 'u32', S: 'u32', stride: 'f32' },
  body: `let per_cell = u.R * u.S;
  let cell = i / per_cell;
  let ratio = ratios[(i % per_cell) / u.S];
  let scale = scales[i % u.S];
  let c = (vec2<f32>(f32(cell % u.Wf), f32(cell / u.Wf)) + 0.5) * u.stride;
  let half = 0.5 * vec2<f32>(scale / sqrt(ratio), scale * sqrt(ratio));
  let box = vec4<f32>(c - half, c + half);
  ${storeBox('anchors', 'i', 'box')}`,
});

export function anchorsForward(features: GpuTensor, params: AnchorsParams = {}): { anchors: GpuTensor; cache: null } {
  const { Hf, Wf, stride, scales, ratios } = validateAnchors(features, params);
  const { gpu } = features;
  const rows = Hf * Wf * ratios.length * scales.length;
  return scope(() => {
    const lists = [upload(gpu, tensor([ratios.length], ratios)), upload(gpu, tensor([scales.length], scales))];
    const anchors = zeros(gpu, [rows, 4]);
    launch(gpu, anchorKernel, { ratios: lists[0], scales: lists[1], anchors }, { count: rows, Wf, R: ratios.length, S: scales.length, stride });
    return { anchors, cache: null };
  });
}
