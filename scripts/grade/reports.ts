import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { GradeResult } from './grade';
import { cleanText } from './text';

/**
 * The reports of a grading run: terminal table, Gradescope results.json, JUnit XML, CSV summary.
 * Test outputs arrive cleaned and bounded (grade.ts); submission names are cleaned here, since a
 * file name may carry escape sequences too.
 */

const fmt = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(2));

export function formatTable(r: GradeResult): string {
  const rows = r.tests.map((t) => [t.name, `${t.passed}/${t.total}`, `${fmt(t.score)}/${fmt(t.maxScore)}`, t.score === t.maxScore ? '' : t.output]);
  const head = ['test', 'cases', 'score', 'reason'];
  const widths = head.slice(0, 3).map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i < 3 ? c.padEnd(widths[i]) : c))
      .join('  ')
      .trimEnd();
  return [`${cleanText(r.submission)}: ${fmt(r.score)}/${fmt(r.maxScore)} (${r.seconds.toFixed(1)} s)`, line(head), ...rows.map(line)].join('\n');
}

/** Gradescope's autograder results.json: score, execution_time, tests with name/score/max_score/output/status. */
export function gradescopeJson(r: GradeResult): string {
  return `${JSON.stringify(
    {
      score: r.score,
      max_score: r.maxScore,
      execution_time: Math.round(r.seconds * 1000) / 1000,
      output: `${cleanText(r.submission)}: ${fmt(r.score)}/${fmt(r.maxScore)}`,
      tests: r.tests.map((t) => ({
        name: t.name,
        score: t.score,
        max_score: t.maxScore,
        status: t.score === t.maxScore ? 'passed' : 'failed',
        output: t.output,
      })),
    },
    null,
    2,
  )}\n`;
}

/** Escaped for an XML 1.0 attribute or text; cleanText drops the characters XML forbids even escaped. */
const xml = (s: string) =>
  cleanText(s, Infinity).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/\n/g, '&#10;');

/** JUnit XML, one testsuite per submission; a test short of full marks is a failure carrying its reason. */
export function junitXml(results: readonly GradeResult[]): string {
  const suites = results.map((r) => {
    const failures = r.tests.filter((t) => t.score < t.maxScore).length;
    const cases = r.tests.map((t) => {
      const attrs = `classname="${xml(t.op)}" name="${xml(t.name)}" time="0"`;
      if (t.score >= t.maxScore) return `    <testcase ${attrs}/>`;
      const message = `${fmt(t.score)}/${fmt(t.maxScore)}: ${t.output}`;
      return `    <testcase ${attrs}>\n      <failure message="${xml(message)}">${xml(t.output)}</failure>\n    </testcase>`;
    });
    return [
      `  <testsuite name="${xml(r.submission)}" tests="${r.tests.length}" failures="${failures}" errors="0" time="${r.seconds.toFixed(3)}">`,
      `    <properties><property name="score" value="${r.score}"/><property name="max_score" value="${r.maxScore}"/></properties>`,
      ...cases,
      '  </testsuite>',
    ].join('\n');
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n${suites.join('\n')}\n</testsuites>\n`;
}

/**
 * A CSV cell: cleaned, quoted where needed, and a text starting with = + - @ or a tab defused with a
 * leading ' so a spreadsheet never runs it as a formula (scores are never negative).
 */
const csvCell = (raw: string) => {
  const clean = cleanText(raw);
  const s = /^[=+\-@\t]/.test(clean) ? `'${clean}` : clean;
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** One line per submission: score, max score, then the score of each op. */
export function csvSummary(results: readonly GradeResult[]): string {
  const ops = [...new Set(results.flatMap((r) => r.tests.map((t) => t.op)))];
  const head = ['submission', 'score', 'max_score', ...ops, 'seconds'];
  const lines = results.map((r) => {
    const perOp = ops.map((op) => fmt(r.tests.filter((t) => t.op === op).reduce((a, t) => a + t.score, 0)));
    return [r.submission, fmt(r.score), fmt(r.maxScore), ...perOp, r.seconds.toFixed(2)].map(csvCell).join(',');
  });
  return `${[head.map(csvCell).join(','), ...lines].join('\n')}\n`;
}

export function writeReport(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}
