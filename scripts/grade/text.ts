/**
 * Text that came from a submission (a thrown message, a fault) on its way into a verdict, the
 * terminal or a report: terminal escape sequences and control characters removed (tab and newline
 * kept), lone surrogates and the non-characters U+FFFE/U+FFFF replaced, and cut to `max` characters
 * with a marker saying how much was dropped. Every report stays valid and bounded whatever a
 * submission throws.
 */
export const MESSAGE_MAX = 2000;

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)|[@-Z\\-_])/g;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
const ILLEGAL = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]|[\ufffe\uffff]/g;

export function cleanText(s: string, max = MESSAGE_MAX): string {
  // Cut first (with slack for what cleaning removes) so a 20 MB message is never scanned whole.
  const head = s.length > 4 * max ? s.slice(0, 4 * max) : s;
  const clean = head.replace(ANSI, '').replace(CONTROL, '').replace(ILLEGAL, '\ufffd');
  if (clean.length <= max && head.length === s.length) return clean;
  const kept = clean.slice(0, max).replace(/[\ud800-\udbff]$/, '');
  return `${kept}… [cut: ${s.length} characters in all]`;
}
