import type { BackendName } from '../../reference/models/backend';
import { referenceBackend, type ReferenceBackend } from '../../reference/models/reference_backend';
import { getGpu } from '../runtime/device';
import { webgpuBackend, type WebgpuBackend } from './backend';

/** Either backend; `name` tells which (and so the tensor type). */
export type AnyBackend = ReferenceBackend | WebgpuBackend;

/**
 * The backend named: the float64 reference, or the WebGPU twins on the shared device (getGpu,
 * which names `npm run setup` in one sentence when no adapter is found). Every task, the bench and
 * the model specs open theirs here.
 */
export function openBackend(name: 'reference'): Promise<ReferenceBackend>;
export function openBackend(name: 'webgpu'): Promise<WebgpuBackend>;
export function openBackend(name: BackendName): Promise<AnyBackend>;
export async function openBackend(name: BackendName): Promise<AnyBackend> {
  return name === 'reference' ? referenceBackend : webgpuBackend(await getGpu());
}
