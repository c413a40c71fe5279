/**
 * Gallery (bundle): a JSON file inside the submission's own folder. Harmless, but a submission is
 * made of source files only (.ts, .mts, .js, .mjs): refused, so the rule stays one rule.
 */
import data from './data.json';

export const slope = data.slope;
