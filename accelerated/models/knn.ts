import type { GpuTensor } from '../runtime/buffers';
import { knnForward } from '../knn';
import { pointwise } from '../runtime/pointwise';
import { sumAll } from '../runtime/reduce';
import { scope } from '../runtime/scope';
import { webgpuBackend } from './backend';

/**
 * Twin of reference/models/knn.ts on accelerated/knn: training and test rows stay on the device;
 * per chunk of test rows, a kernel (one invocation per row) marks predicted labels equal to y and
 * the tree reduction counts them, so only one count per chunk is read back.
 */
export async function knnAccuracy(X_train: GpuTensor, y_train: GpuTensor, X: GpuTensor, y: GpuTensor, k: number, chunk = 250): Promise<number> {
  const backend = webgpuBackend(X.gpu);
  const N = X.shape[0];
  let correct = 0;
  for (let start = 0; start < N; start += chunk) {
    const rows = Array.from({ length: Math.min(chunk, N - start) }, (_, i) => start + i);
    correct += await scope(async () => {
      const part = backend.gatherRows(X, y, rows);
      const { labels } = knnForward(X_train, y_train, part.X, { k });
      const { hits } = pointwise(X.gpu, {
        name: 'models:knn_hits',
        inputs: { labels, y: part.y },
        outputs: { hits: { shape: [rows.length] } },
        count: rows.length,
        body: 'hits[i] = select(0.0, 1.0, labels[i] == y[i]);',
      });
      return backend.readScalar(sumAll(hits));
    });
  }
  return correct / N;
}
