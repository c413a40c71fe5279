import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { reportNames } from '../scripts/grade/commands';
import { Grader, type GradeResult } from '../scripts/grade/grade';
import { csvSummary, formatTable, gradescopeJson, junitXml } from '../scripts/grade/reports';
import { DEFAULT_RUBRIC } from '../scripts/grade/rubric';
import { describeIsolation, detectIsolation } from '../scripts/grade/sandbox';
import { cleanText } from '../scripts/grade/text';
import { gradcheck } from './harness/cli';

/** Reports stay valid and bounded whatever a submission says; one folder is one submission unless --batch. */
const gallery = (name: string) => join(__dirname, 'gallery', `${name}.ts`);
const out = mkdtempSync(join(tmpdir(), 'gradcheck-reports-test-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** Characters XML 1.0 allows (tab, newline, carriage return, and the rest outside the surrogates and U+FFFE/FFFF). */
const XML_CHARS = /^[\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]*$/u;

/** Every opened tag is closed in order. */
function balancedTags(xml: string): boolean {
  const stack: string[] = [];
  for (const [, close, name, self] of xml.replace(/<\?[^>]*\?>/g, '').matchAll(/<(\/?)([\w:-]+)[^>]*?(\/?)>/g)) {
    if (self) continue;
    if (!close) stack.push(name);
    else if (stack.pop() !== name) return false;
  }
  return stack.length === 0;
}

describe('reports', () => {
  it('cleanText strips escapes and XML-illegal characters and cuts with a marker', () => {
    expect(cleanText('\u001b[31mred\u001b[0m a\u0000b\uffff\ud800c')).toBe('red ab\ufffd\ufffdc');
    const cut = cleanText('x'.repeat(10_000), 100);
    expect(cut).toMatch(/^x{100}… \[cut: 10000 characters in all\]$/);
  });

  it('keep a 20 MB message of escapes and control characters small, valid and clean', async () => {
    const r = await new Grader({ ...DEFAULT_RUBRIC, ops: { relu: 10 }, randomCases: 1, gradcheckCases: 1 }).grade(gallery('huge_message'));
    expect(r.score).toBe(0);
    const json = gradescopeJson(r);
    expect(json.length).toBeLessThan(100_000);
    expect(JSON.parse(json).tests[0].output).toMatch(/threw: boom/);
    const xml = junitXml([r]);
    expect(xml).toMatch(XML_CHARS);
    expect(balancedTags(xml)).toBe(true);
    for (const text of [json, xml, formatTable(r), csvSummary([r])]) {
      // eslint-disable-next-line no-control-regex
      expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f\uffff]/);
    }
  });

  it("keep every report valid when the submission's own file name carries escapes and XML-illegal characters", async () => {
    const evil = join(out, '\u001b[31m=evil\u0001\ufffe.ts');
    writeFileSync(evil, 'export function reluForward(x {\n');
    const r = await new Grader({ ...DEFAULT_RUBRIC, randomCases: 1, gradcheckCases: 1 }).grade(evil);
    expect(r.tests).toEqual([expect.objectContaining({ check: 'load', score: 0 })]);
    const xml = junitXml([r]);
    expect(xml).toMatch(XML_CHARS);
    expect(balancedTags(xml)).toBe(true);
    for (const text of [gradescopeJson(r), xml, formatTable(r), csvSummary([r])]) {
      // eslint-disable-next-line no-control-regex
      expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f\ufffe\uffff]/);
    }
  });

  it('defuse CSV cells a spreadsheet would run as formulas, after cleaning', () => {
    const result = (submission: string): GradeResult => ({ submission, score: 2.5, maxScore: 10, seconds: 1, tests: [] });
    const firstCells = (csv: string) =>
      csv
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => line.slice(0, line.lastIndexOf(',2.50,10,')));
    const names = ['\u0001=1+1', '-2+3', '\tcmd', '@SUM(A1)', 'plain, "quoted"'];
    expect(firstCells(csvSummary(names.map(result)))).toEqual(["'=1+1", "'-2+3", "'\tcmd", "'@SUM(A1)", '"plain, ""quoted"""']);
  });

  it('gives two submissions with the same base name different report names', () => {
    expect(reportNames(['x/a.ts', 'x/a.mjs', 'x/a', 'y/a.ts', 'x/a b', 'x/a_b'])).toEqual(['a.ts', 'a.mjs', 'a', 'a.ts-2', 'a_b', 'a_b-2']);
  });
});

describe('grade command layout', () => {
  it('grades a folder as ONE submission of several files and writes one results.json (Gradescope)', () => {
    const submission = join(out, 'autograder', 'submission');
    mkdirSync(submission, { recursive: true });
    copyFileSync(gallery('correct'), join(submission, 'layers.ts'));
    copyFileSync(gallery('throws'), join(submission, 'notes.ts'));
    const results = join(out, 'autograder', 'results', 'results.json');
    const r = gradcheck(['grade', submission, '--json', results], {}, 120_000);
    expect(r.status, r.all).toBe(0);
    expect(r.stderr).toContain(describeIsolation(detectIsolation()));
    expect(statSync(results).isFile()).toBe(true);
    const json = JSON.parse(readFileSync(results, 'utf8'));
    expect(json.tests.map((t: { name: string }) => t.name)).toEqual(expect.arrayContaining(['affine: fixtures forward', 'relu: gradcheck']));
    expect(existsSync(join(process.cwd(), 'grades.csv'))).toBe(false);
  });

  it('grades a folder of submissions with --batch: one report each, never overwritten, and a CSV', () => {
    const batch = join(out, 'class');
    mkdirSync(join(batch, 'ann'), { recursive: true });
    copyFileSync(gallery('correct'), join(batch, 'ann', 'main.ts'));
    copyFileSync(gallery('nan'), join(batch, 'ann.ts'));
    copyFileSync(gallery('throws'), join(batch, 'ann.mjs'));
    const reports = join(out, 'reports');
    const csv = join(out, 'grades.csv');
    const r = gradcheck(['grade', batch, '--batch', '--json', reports, '--csv', csv], {}, 180_000);
    expect(r.status, r.all).toBe(0);
    expect(readdirSync(reports).sort()).toEqual(['ann.json', 'ann.mjs.json', 'ann.ts.json']);
    const score = (name: string) => JSON.parse(readFileSync(join(reports, name), 'utf8')).score;
    expect(score('ann.json')).toBe(100);
    expect(score('ann.ts.json')).toBeLessThan(100);
    expect(score('ann.mjs.json')).toBe(0);
    expect(readFileSync(csv, 'utf8').trim().split('\n')).toHaveLength(4);
  });

  it('refuses --csv without --batch instead of ignoring it', () => {
    const r = gradcheck(['grade', gallery('correct'), '--csv', join(out, 'x.csv')]);
    expect(r.status).not.toBe(0);
    expect(r.all).toMatch(/--csv summarizes a batch: add --batch/);
    expect(existsSync(join(out, 'x.csv'))).toBe(false);
  });

  it('refuses --batch on a single file', () => {
    const r = gradcheck(['grade', gallery('correct'), '--batch']);
    expect(r.status).not.toBe(0);
    expect(r.all).toMatch(/--batch needs a folder of submissions, got the file .*correct\.ts/);
  });
});
