import { numel, tensor, type Tensor } from '../reference/tensor';
import type { Gpu } from './device';

/**
 * Device tensors: a shape over a storage buffer of f32 (values) or i32 (labels, indices).
 * Uploads round float64 to float32; reads come back as float64 reference tensors.
 */
export type DType = 'f32' | 'i32';

export interface GpuTensor {
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly buffer: GPUBuffer;
  readonly gpu: Gpu;
}

const STORAGE = () => GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;

/** Buffers hold at least one element: WebGPU forbids empty bindings. */
const byteSize = (shape: readonly number[]): number => Math.max(1, numel(shape)) * 4;

export function empty(gpu: Gpu, shape: readonly number[], dtype: DType = 'f32'): GpuTensor {
  const buffer = gpu.device.createBuffer({ size: byteSize(shape), usage: STORAGE() });
  return { shape: [...shape], dtype, buffer, gpu };
}

export function upload(gpu: Gpu, t: Tensor, dtype: DType = 'f32'): GpuTensor {
  const out = empty(gpu, t.shape, dtype);
  const data = dtype === 'f32' ? Float32Array.from(t.data) : Int32Array.from(t.data);
  gpu.device.queue.writeBuffer(out.buffer, 0, data);
  return out;
}

/** Copies a device tensor back to the host as a float64 tensor. */
export async function read(t: GpuTensor): Promise<Tensor> {
  const { device } = t.gpu;
  const n = numel(t.shape);
  const staging = device.createBuffer({ size: byteSize(t.shape), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const encoder = device.createCommandEncoder();
  encoder.copyBufferToBuffer(t.buffer, 0, staging, 0, byteSize(t.shape));
  device.queue.submit([encoder.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  t.gpu.throwIfFailed();
  const range = staging.getMappedRange();
  const values = t.dtype === 'f32' ? new Float32Array(range, 0, n) : new Int32Array(range, 0, n);
  const host = tensor(t.shape, values);
  staging.unmap();
  staging.destroy();
  return host;
}

/** The same buffer under another shape of equal size. */
export function view(t: GpuTensor, shape: readonly number[]): GpuTensor {
  if (numel(shape) !== numel(t.shape)) {
    throw new Error(`view: cannot view [${t.shape.join(', ')}] as [${shape.join(', ')}]`);
  }
  return { ...t, shape: [...shape] };
}

export function release(...ts: GpuTensor[]): void {
  for (const t of ts) t.buffer.destroy();
}
