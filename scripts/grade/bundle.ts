import { build, type Plugin } from 'esbuild';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Source files a submission may be made of. */
export const SOURCE_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'];

const HERE = dirname(fileURLToPath(import.meta.url));

/** The runner bundled with a submission: reference-shaped functions on host tensors, or twin-shaped ones on the device. */
export type Runner = 'reference' | 'twin';
const RUNNERS: Record<Runner, string> = { reference: join(HERE, 'child.ts'), twin: join(HERE, 'twin-child.ts') };

/**
 * `webgpu` loads Dawn, a native addon, from beside its own files: it stays an import of this
 * checkout's copy (by absolute URL, since the bundle lives in a temporary folder).
 */
const webgpuExternal: Plugin = {
  name: 'webgpu-external',
  setup(b) {
    b.onResolve({ filter: /^webgpu$/ }, () => ({ path: pathToFileURL(createRequire(import.meta.url).resolve('webgpu')).href, external: true }));
  },
};

/** The modules of a submission: the file itself, or every source file of a folder. */
export function submissionFiles(path: string): string[] {
  const full = resolve(path);
  if (!statSync(full).isDirectory()) return [full];
  return readdirSync(full)
    .filter((f) => SOURCE_EXTENSIONS.includes(extname(f)) && !f.endsWith('.d.ts'))
    .sort()
    .map((f) => join(full, f));
}

export interface Bundle {
  /** The single .mjs the sandbox runs: the child runner plus the submission and its imports. */
  file: string;
  dispose(): void;
}

/**
 * Transpiles and bundles a submission (TypeScript or JavaScript, with its relative imports) with
 * the child runner (`runner`) into one ES module in a fresh temporary folder, so the sandboxed process needs
 * to read one file and no TypeScript loader. Throws esbuild's first error, one line.
 */
export async function bundleSubmission(path: string, runner: Runner = 'reference'): Promise<Bundle> {
  const files = submissionFiles(path);
  if (files.length === 0) throw new Error(`${path}: no ${SOURCE_EXTENSIONS.join('/')} files`);
  const dir = mkdtempSync(join(tmpdir(), 'gradcheck-grade-'));
  const file = join(dir, `${basename(path).replace(/[^\w.-]/g, '_')}.mjs`);
  const imports = files.map((f, i) => `import * as m${i} from ${JSON.stringify(f)};`).join('\n');
  const merged = files.map((_, i) => `...m${i}`).join(', ');
  // The runner is imported first, so its module body (which captures built-ins) runs before the submission's.
  const contents = `import { serve } from ${JSON.stringify(RUNNERS[runner])};\n${imports}\nserve({ ${merged} });\n`;
  try {
    await build({
      stdin: { contents, resolveDir: dirname(files[0]), loader: 'ts', sourcefile: 'grade-entry.ts' },
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      outfile: file,
      logLevel: 'silent',
      plugins: runner === 'twin' ? [webgpuExternal] : [],
    });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    const errors = (e as { errors?: Array<{ text: string; location?: { file: string; line: number } | null }> }).errors;
    const first = errors?.[0];
    const where = first?.location ? `${first.location.file}:${first.location.line}: ` : '';
    throw new Error(first ? `does not compile: ${where}${first.text}` : `does not compile: ${(e as Error).message.split('\n')[0]}`);
  }
  return { file, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
