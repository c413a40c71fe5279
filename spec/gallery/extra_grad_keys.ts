/**
 * Gallery: a correct relu whose backward result carries an extra key besides dx (a note, as
 * students leave): extra keys are ignored, as in a forward's result. Full marks.
 */
import { reluBackward as correct } from './correct';

export { reluForward } from './correct';

export function reluBackward(...args: Parameters<typeof correct>) {
  return { ...correct(...args), note: 'dx is dout where x > 0' };
}
