import { validateAnchors, type AnchorsParams } from '../reference/anchors';
import { tensor } from '../reference/tensor';
import { empty, release, upload, type GpuTensor } from './buffers';
import { storeBox } from './boxes';
import { gridKernel, launchGrid } from './grid_kernel';

/**
 * Twin of reference/anchors: one invocation per anchor row decodes (cell, ratio, scale) from its
 * index and writes the box; the param lists are uploaded as they are, every formula runs here.
 */
const kernel = gridKernel(
  'anchors',
  [{ name: 'ratios' }, { name: 'scales' }, { name: 'anchors', write: true }],
  ['Wf: u32', 'R: u32', 'S: u32', 'stride: f32'],
  '',
  `let per_cell = u.R * u.S;
  let cell = i / per_cell;
  let ratio = ratios[(i % per_cell) / u.S];
  let scale = scales[i % u.S];
  let c = (vec2<f32>(f32(cell % u.Wf), f32(cell / u.Wf)) + 0.5) * u.stride;
  let half = 0.5 * vec2<f32>(scale / sqrt(ratio), scale * sqrt(ratio));
  let box = vec4<f32>(c - half, c + half);
  ${storeBox('anchors', 'i', 'box')}`,
);

export function anchorsForward(features: GpuTensor, params: AnchorsParams = {}): { anchors: GpuTensor; cache: null } {
  const { Hf, Wf, stride, scales, ratios } = validateAnchors(features, params);
  const { gpu } = features;
  const rows = Hf * Wf * ratios.length * scales.length;
  const lists = [upload(gpu, tensor([ratios.length], ratios)), upload(gpu, tensor([scales.length], scales))];
  const anchors = empty(gpu, [rows, 4]);
  launchGrid(gpu, kernel, [...lists.map((t) => t.buffer), anchors.buffer], [['u32', Wf], ['u32', ratios.length], ['u32', scales.length], ['f32', stride]], rows);
  release(...lists);
  return { anchors, cache: null };
}
