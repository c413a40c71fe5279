/**
 * Gallery (bundle attack): imports /dev/zero, an endless character device: reading it at bundle
 * time never ends and eats the grader's memory.
 */
// @ts-expect-error -- no module: a device
import zero from '/dev/zero';

export const endless = zero;
