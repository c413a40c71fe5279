import ts from 'typescript';

/**
 * The mutants of the WGSL kernel strings of one TypeScript module: every string or template
 * literal that reads as WGSL (a kernel, or an expression handed to a kernel builder such as
 * `map('relu', 'max(a, 0.0)', x)`), mutated one site at a time. Only the literal text is mutated,
 * never a `${…}` substitution, so each mutant is still valid TypeScript.
 */
export interface WgslMutant {
  /** Character offsets of the replaced text in the module source. */
  readonly start: number;
  readonly end: number;
  readonly original: string;
  readonly replacement: string;
  readonly operator: string;
  /** 1-based line in the module. */
  readonly line: number;
}

/** Kernel text: WGSL declarations or statements, float literals, or WGSL builtin calls. */
const WGSL = /@group|@compute|\bfn\s|\blet\s|\bvar[\s<]|;|\b\d+\.\d+\b|\b(?:select|max|min|exp|log|sqrt|abs|tanh|clamp|pow)\(/;

interface Rule {
  readonly operator: string;
  readonly pattern: RegExp;
  readonly replace: (match: string) => string;
}

const swap = (a: string, b: string) => (m: string) => (m === a ? b : a);

/** Binary operators are mutated only with spaces around them, as the kernels write them. */
const RULES: readonly Rule[] = [
  { operator: '+ ↔ -', pattern: /(?<= )[+-](?= )/g, replace: swap('+', '-') },
  { operator: '* ↔ /', pattern: /(?<= )[*/](?= )/g, replace: swap('*', '/') },
  { operator: '+= ↔ -=', pattern: /(?<= )[+-]=(?= )/g, replace: swap('+=', '-=') },
  { operator: '*= ↔ /=', pattern: /(?<= )[*/]=(?= )/g, replace: swap('*=', '/=') },
  { operator: '< ↔ <=', pattern: /(?<= )<=?(?= )/g, replace: swap('<', '<=') },
  { operator: '> ↔ >=', pattern: /(?<= )>=?(?= )/g, replace: swap('>', '>=') },
  { operator: '== ↔ !=', pattern: /(?<= )[=!]=(?= )/g, replace: swap('==', '!=') },
  { operator: '&& ↔ ||', pattern: /(?<= )(?:&&|\|\|)(?= )/g, replace: swap('&&', '||') },
  { operator: '0.0 ↔ 1.0', pattern: /(?<![\w.])[01]\.0(?![\w.])/g, replace: swap('0.0', '1.0') },
  { operator: '0 ↔ 1', pattern: /(?<![\w.])[01]u?(?![\w.])/g, replace: (m) => (m.startsWith('0') ? '1' : '0') + m.slice(1) },
  { operator: 'offset ±1 dropped', pattern: / [+-] 1u?(?![\w.])/g, replace: () => '' },
  { operator: 'bounds guard dropped', pattern: /if \((?:[^()]|\([^()]*\))*\) \{ return; \}/g, replace: () => '' },
];

/** Ranges of a WGSL text that are not mutated: comments and attributes (bindings, workgroup sizes). */
const FROZEN = /\/\/[^\n]*|@\w+\([^)]*\)/g;

/** Text pieces of the literals that read as WGSL: [offset in source, text]. */
function wgslPieces(source: ts.SourceFile): [number, string][] {
  const pieces: [number, string][] = [];
  const text = source.text;
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
      const start = node.getStart(source) + 1;
      const body = text.slice(start, node.end - 1);
      if (WGSL.test(body)) pieces.push([start, body]);
      return;
    }
    if (ts.isTemplateExpression(node)) {
      const literals = [node.head, ...node.templateSpans.map((s) => s.literal)];
      const bodies = literals.map((l): [number, string] => {
        const start = l.getStart(source) + 1; // after ` or }
        const end = ts.isTemplateTail(l) ? l.end - 1 : l.end - 2; // before ` or ${
        return [start, text.slice(start, end)];
      });
      if (WGSL.test(bodies.map(([, b]) => b).join(' '))) pieces.push(...bodies);
      node.templateSpans.forEach((s) => visit(s.expression));
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return pieces;
}

export function wgslMutants(fileName: string, text: string): WgslMutant[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, true);
  const mutants: WgslMutant[] = [];
  for (const [offset, piece] of wgslPieces(source)) {
    const frozen = [...piece.matchAll(FROZEN)].map((m) => [m.index, m.index + m[0].length]);
    for (const rule of RULES) {
      for (const m of piece.matchAll(rule.pattern)) {
        if (frozen.some(([a, b]) => m.index >= a && m.index < b)) continue;
        const start = offset + m.index;
        mutants.push({
          start,
          end: start + m[0].length,
          original: m[0],
          replacement: rule.replace(m[0]),
          operator: rule.operator,
          line: source.getLineAndCharacterOfPosition(start).line + 1,
        });
      }
    }
  }
  return mutants.sort((a, b) => a.start - b.start);
}

export const applyMutant = (text: string, m: WgslMutant): string => text.slice(0, m.start) + m.replacement + text.slice(m.end);
