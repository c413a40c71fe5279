/**
 * Gallery (`grade --twin`): the suite's relu twin whose backward result carries an extra key
 * besides dx: ignored, as in a forward's result. Full marks.
 */
import { reluBackward as correct } from '../../accelerated/relu';

export { reluForward } from '../../accelerated/relu';

export function reluBackward(...args: Parameters<typeof correct>) {
  return { ...correct(...args), note: 'dx is dout where x > 0' };
}
