/**
 * Gallery (bundle attack): reads a file of the grading machine at bundle time through an import
 * attribute that switches esbuild to its text loader, and reports it as an error message.
 */
// @ts-expect-error -- no module: a system file
import passwd from '/etc/passwd' with { type: 'text' };

export function reluForward(): never {
  throw new Error(passwd);
}
