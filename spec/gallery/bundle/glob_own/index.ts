/**
 * Gallery (bundle attack, harmless target): a computed import over the submission's own files, all
 * of which it also imports statically. Computed imports are refused wherever they point, so the
 * next such glob cannot reach a module the runner bundles.
 */
import { a } from './lib/a';

export const first = a;
export const load = (name: string): Promise<unknown> => import('./lib/' + name);
