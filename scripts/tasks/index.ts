import { CAPTIONING_TASKS } from './captioning';
import { DETECTION_TASKS } from './detection';
import { GENERATIVE_TASKS } from './generative';
import { MNIST_CLASSIFIER_TASKS } from './mnist_classifiers';
import { STYLE_TRANSFER_TASKS } from './style_transfer';
import { VISUALIZATION_TASKS } from './visualization';
import type { Task } from './task';

/** Every task of `gradcheck train` and `npm run e2e`, in the order e2e runs them. */
export const TASKS: readonly Task[] = [
  ...MNIST_CLASSIFIER_TASKS,
  ...STYLE_TRANSFER_TASKS,
  ...VISUALIZATION_TASKS,
  ...GENERATIVE_TASKS,
  ...DETECTION_TASKS,
  ...CAPTIONING_TASKS,
];

export const TASK_NAMES = TASKS.map((t) => t.name);

export function findTask(name: string): Task {
  const task = TASKS.find((t) => t.name === name);
  if (!task) throw new Error(`unknown model "${name}" (choose from ${TASK_NAMES.join(', ')})`);
  return task;
}
