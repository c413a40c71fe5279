/**
 * Gallery (`grade --twin`): a correct twin-shaped submission of relu and affine, the suite's own
 * WebGPU twins re-exported (functions on GpuTensors). Full marks.
 */
export { reluForward, reluBackward } from '../../accelerated/relu';
export { affineForward, affineBackward } from '../../accelerated/affine';
