import { knnForward } from '../knn';
import { tensor, type Tensor } from '../tensor';

/**
 * The kNN classifier on the reference knn op: "training" keeps (X_train, y_train); predicting labels
 * the rows of X by majority vote of their k nearest training rows (Euclidean, variant no_loops).
 * Returns the fraction of rows of X labelled y, scored `chunk` test rows at a time.
 */
export function knnAccuracy(X_train: Tensor, y_train: Tensor, X: Tensor, y: Tensor, k: number, chunk = 250): number {
  const [N, D] = X.shape;
  let correct = 0;
  for (let start = 0; start < N; start += chunk) {
    const rows = Math.min(chunk, N - start);
    const part = tensor([rows, D], X.data.subarray(start * D, (start + rows) * D));
    const { labels } = knnForward(X_train, y_train, part, { k, variant: 'no_loops' });
    for (let i = 0; i < rows; i++) if (labels.data[i] === y.data[start + i]) correct++;
  }
  return correct / N;
}
