import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleSubmission } from '../scripts/grade/bundle';
import { Grader } from '../scripts/grade/grade';
import { DEFAULT_RUBRIC } from '../scripts/grade/rubric';
import { sweepStale } from '../scripts/grade/scratch';

/**
 * Bundle-time reads (spec/gallery/bundle/): a submission may bundle only the source files inside its
 * own folder. Each attack is refused with a one-line reason naming the import, and bundling runs in
 * a child process with a time and memory limit. Temporary folders do not outlive the grader.
 */
const ROOT = resolve(__dirname, '..');
const attack = (name: string) => join(__dirname, 'gallery', 'bundle', name);
// Made in a hook, so a run that filters every test out leaves no folder behind.
let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'gradcheck-bundle-test-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A fresh folder under the test's temporary folder holding `files` (path → contents). */
function folder(name: string, files: Record<string, string>): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/** The reason bundling `path` fails (the test fails if it bundles). */
async function refusal(path: string, options?: Parameters<typeof bundleSubmission>[2]): Promise<string> {
  const bundle = await bundleSubmission(path, 'reference', options).catch((e: Error) => e);
  if (bundle instanceof Error) return bundle.message;
  bundle.dispose();
  throw new Error(`${path} was bundled`);
}

const grader = new Grader({ ...DEFAULT_RUBRIC, timeoutMs: 1500, memoryMb: 128 });

describe('bundling confines a submission to its folder', () => {
  it('scores 0, not 100, a submission that re-exports reference/affine.ts through ../', async () => {
    const r = await grader.grade(attack('reexports_reference.ts'));
    expect(r.score).toBe(0);
    expect(r.tests[0].output).toMatch(/^reexports_reference\.ts:5: imports "\.\.\/\.\.\/\.\.\/reference\/affine": outside the submission folder$/);
  });

  it('refuses an absolute path to the reference', async () => {
    const dir = folder('absolute', { 'index.ts': `export { affineForward, affineBackward } from ${JSON.stringify(join(ROOT, 'reference', 'affine.ts'))};\n` });
    expect(await refusal(dir)).toMatch(/^index\.ts:1: imports "\/.*\/reference\/affine\.ts": outside the submission folder$/);
  });

  it('refuses a symlink that leads outside, as a folder or as a module of the submission', async () => {
    const viaFolder = folder('symlink-folder', { 'index.ts': "export { affineForward, affineBackward } from './lib/affine';\n" });
    symlinkSync(join(ROOT, 'reference'), join(viaFolder, 'lib'));
    expect(await refusal(viaFolder)).toMatch(/imports "\.\/lib\/affine": outside the submission folder$/);
    const viaModule = folder('symlink-module', {});
    symlinkSync(join(ROOT, 'reference', 'affine.ts'), join(viaModule, 'affine.ts'));
    expect(await refusal(viaModule)).toMatch(/imports ".*symlink-module\/affine\.ts": outside the submission folder$/);
  });

  it("ignores the submission's tsconfig.json: its paths alias is a package name, and stays unresolved even when allowed", async () => {
    expect(await refusal(attack('tsconfig_paths'))).toMatch(
      /^index\.ts:6: imports "ref\/affine": a package; a submission imports only its own files and node: built-ins$/,
    );
    expect(await refusal(attack('tsconfig_paths'), { packages: ['ref'] })).toMatch(/Could not resolve "ref\/affine"/);
  });

  it('refuses a JSON case file of the suite, and JSON at all', async () => {
    expect(await refusal(attack('json_fixture.ts'))).toMatch(
      /imports "\.\.\/\.\.\/\.\.\/fixtures\/reference\/affine\/edge-1\.json": outside the submission folder$/,
    );
    expect(await refusal(attack('json_inside'))).toMatch(/imports "\.\/data\.json": not a source file \(\.ts, \.mts, \.js, \.mjs\)$/);
  });

  it('refuses an import attribute that switches the loader (/etc/passwd as text)', async () => {
    expect(await refusal(attack('etc_passwd.ts'))).toMatch(
      /^etc_passwd\.ts:6: imports "\/etc\/passwd": import attributes \(with \{"type":"text"\}\) are not allowed$/,
    );
    const inside = folder('text-attribute', { 'index.ts': "import me from './index.ts' with { type: 'text' };\nexport const source = me;\n" });
    expect(await refusal(inside)).toMatch(/import attributes/);
  });

  it('refuses a FIFO quickly, without reading it', async () => {
    const dir = folder('fifo', { 'index.ts': "import pipe from './pipe.ts';\nexport const p = pipe;\n" });
    execFileSync('mkfifo', [join(dir, 'pipe.ts')]);
    const started = performance.now();
    expect(await refusal(dir)).toMatch(/imports "\.\/pipe\.ts": not a regular file \(a FIFO\)$/);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('refuses /dev/zero', async () => {
    expect(await refusal(attack('dev_zero.ts'))).toMatch(/imports "\/dev\/zero": outside the submission folder$/);
  });

  it('refuses a bare package of the grader (seedrandom), and URLs', async () => {
    expect(await refusal(attack('bare_package.ts'))).toMatch(/imports "seedrandom": a package; a submission imports only its own files and node: built-ins$/);
    const reference = pathToFileURL(join(ROOT, 'reference', 'affine.ts')).href;
    const url = folder('file-url', { 'index.ts': `export { affineForward, affineBackward } from ${JSON.stringify(reference)};\n` });
    expect(await refusal(url)).toMatch(/imports "file:\/\/\/.*\/reference\/affine\.ts": a URL; a submission imports only its own files and node: built-ins$/);
  });

  it('refuses computed imports, which esbuild turns into globs without asking the resolver', async () => {
    expect(await refusal(attack('glob_reference.ts'))).toMatch(/loads .*reference\/.*\.ts through a computed import/);
    expect(await refusal(attack('glob_own'))).toMatch(/^index\.ts imports "\.\/lib\/\*\*\/\*": a computed import/);
  });

  it('refuses a submission whose folder holds the grader itself', async () => {
    expect(await refusal(join(ROOT, 'scripts'))).toMatch(/holds the grader itself/);
  });

  it("in a batch, refuses a single file importing the file beside it (another student's), which it may do alone", async () => {
    const dir = folder('batch', {
      'alice.ts': "export { affineForward, affineBackward } from './bob';\n",
      'bob.ts': readFileSync(join(__dirname, 'gallery', 'correct.ts'), 'utf8'),
    });
    expect(await refusal(join(dir, 'alice.ts'), { batch: true })).toMatch(
      /imports "\.\/bob": another file beside the submission: in a batch each file is graded alone/,
    );
    (await bundleSubmission(join(dir, 'alice.ts'))).dispose();
  });

  it("refuses a submission that is itself a symlink: in a batch, a student's entry could name any folder of the machine", async () => {
    const dir = folder('batch-links', {});
    symlinkSync(attack('split'), join(dir, 'mallory'));
    symlinkSync(join(__dirname, 'gallery', 'correct.ts'), join(dir, 'trudy.ts'));
    for (const entry of ['mallory', 'trudy.ts']) {
      expect(await refusal(join(dir, entry), { batch: true })).toMatch(
        /^cannot read the submission: .*batch-links\/(mallory|trudy\.ts) is a symbolic link; a submission is a file or folder of its own$/,
      );
    }
  });

  it('gives a folder split across modules (with a subfolder and a .js-style import) full marks', async () => {
    const r = await grader.grade(attack('split'));
    expect(r.tests.filter((t) => t.score !== t.maxScore)).toEqual([]);
    expect(new Set(r.tests.map((t) => t.op))).toEqual(new Set(['affine', 'relu', 'svm_loss', 'softmax_loss']));
    expect(r.score).toBe(100);
  });
});

describe('bundling runs in a limited child process', () => {
  it('stops a bundler over its time or memory limit', async () => {
    expect(await refusal(attack('split'), { timeoutMs: 1 })).toMatch(/^bundling took longer than 0\.001 s$/);
    expect(await refusal(attack('split'), { memoryMb: 8 })).toMatch(/^bundling used more than 8 MB$/);
  });

  it('writes a bundle another user can read, in a folder of its own, at a small cost per submission', async () => {
    const started = performance.now();
    const runs = 3;
    for (let i = 0; i < runs; i++) {
      const bundle = await bundleSubmission(attack('split'));
      expect(statSync(bundle.file).mode & 0o777).toBe(0o644);
      expect(statSync(join(bundle.file, '..')).mode & 0o777).toBe(0o755);
      expect(readFileSync(bundle.file, 'utf8')).toContain('softmaxRows');
      bundle.dispose();
      expect(existsSync(join(bundle.file, '..'))).toBe(false);
    }
    expect((performance.now() - started) / runs).toBeLessThan(1000);
  });
});

describe('temporary folders', () => {
  // The holders' temporary directory, inside `work`.
  let tmp: string;
  let script: string;
  const started: ChildProcess[] = [];
  beforeAll(() => {
    tmp = folder('scratch', {});
    script = join(tmp, 'holder.ts');
    writeFileSync(
      script,
      `import { scratchDir } from ${JSON.stringify(join(ROOT, 'scripts', 'grade', 'scratch.ts'))};\nconsole.log(scratchDir('holder').path);\nsetInterval(() => {}, 1000);\n`,
    );
  });
  afterAll(() => {
    for (const child of started) child.kill('SIGKILL');
  });

  /** Starts a process that makes one scratch folder under `tmp` and waits: its folder and the process. */
  async function holder() {
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: ROOT,
      env: { ...process.env, TMPDIR: tmp },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    started.push(child);
    const path = await new Promise<string>((done) => child.stdout.once('data', (d: Buffer) => done(d.toString().trim())));
    expect(path).toMatch(new RegExp(`^${tmp}/gradcheck-holder-${child.pid}-\\w{6}$`));
    expect(existsSync(path)).toBe(true);
    const exited = new Promise<NodeJS.Signals | null>((done) => child.once('exit', (_code, signal) => done(signal)));
    return { path, child, exited };
  }

  it.each(['SIGTERM', 'SIGINT', 'SIGHUP'] as const)('removes its folder when the grader gets %s, and dies of it', async (signal) => {
    const { path, child, exited } = await holder();
    child.kill(signal);
    expect(await exited).toBe(signal);
    expect(existsSync(path)).toBe(false);
  });

  it("removes a SIGKILLed grader's folder on the next run, and no living process's", async () => {
    const killed = await holder();
    const alive = await holder();
    killed.child.kill('SIGKILL');
    await killed.exited;
    expect(existsSync(killed.path)).toBe(true);
    expect(sweepStale(tmp)).toEqual([killed.path]);
    expect(existsSync(killed.path)).toBe(false);
    expect(existsSync(alive.path)).toBe(true);
  });
});
