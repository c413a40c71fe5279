import { build, type Message, type Plugin } from 'esbuild';
import { pathToFileURL } from 'node:url';
import { computedImport, confine, ENTRY, isInside, SOURCE_EXTENSIONS, submissionLayout } from './bundle_confine';

/**
 * The child process that bundles one submission (scripts/grade/bundle.ts starts it, with a time and
 * memory limit over it and the esbuild service it starts). Its job comes as argv[2] (JSON); it
 * writes the bundle to `job.outfile` and answers over IPC with `{ ok: true }` or `{ error }`.
 */
export interface BundleJob {
  /** The submission: a module or a folder of modules. */
  path: string;
  outfile: string;
  runner: string;
  libraries: string[];
  packages: string[];
  /** A single-file submission of a batch, which may import no file beside it. */
  alone: boolean;
  /** Bare imports of trusted code kept external as imports of this checkout's copy: name → file URL. */
  externals: Record<string, string>;
}

export type BundleReply = { ok: true } | { error: string };

/** Bare names left as imports of absolute URLs (a native addon such as Dawn loads from beside its own files). */
export const externalsPlugin = (externals: Record<string, string>): Plugin => ({
  name: 'externals',
  setup(b) {
    for (const [name, url] of Object.entries(externals)) {
      b.onResolve({ filter: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`) }, () => ({ path: url, external: true }));
    }
  },
});

async function bundleJob(job: BundleJob): Promise<BundleReply> {
  let layout;
  try {
    layout = submissionLayout(job.path);
  } catch (e) {
    return { error: `cannot read the submission: ${(e as Error).message.split('\n')[0]}` };
  }
  const { root, files } = layout;
  if (files.length === 0) return { error: `${job.path}: no ${SOURCE_EXTENSIONS.join('/')} files` };
  if (isInside(job.runner, root)) return { error: `its folder ${root} holds the grader itself; grade it from a folder of its own` };
  try {
    const result = await build({
      entryPoints: [ENTRY],
      // Error locations and metafile inputs relative to the submission's folder.
      absWorkingDir: root,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      outfile: job.outfile,
      logLevel: 'silent',
      metafile: true,
      // No tsconfig.json is read, the submission's included: its `paths`/`baseUrl` could alias files outside its folder.
      tsconfigRaw: {},
      plugins: [
        confine({ root, files, runner: job.runner, libraries: job.libraries, packages: job.packages, alone: job.alone }),
        externalsPlugin(job.externals),
      ],
    });
    const computed = computedImport(result.metafile, root);
    return computed ? { error: computed } : { ok: true };
  } catch (e) {
    return { error: oneLine((e as { errors?: Message[] }).errors?.[0], e as Error) };
  }
}

/** esbuild's first error as one line: `file:line: text` (a refused import, or "does not compile: …"). */
function oneLine(first: Message | undefined, e: Error): string {
  if (!first) return `does not compile: ${e.message.split('\n')[0]}`;
  const file = first.location?.file;
  const where = file && !file.startsWith(`${ENTRY}:`) ? `${file}:${first.location!.line}: ` : '';
  return first.pluginName === 'confine' ? `${where}${first.text}` : `does not compile: ${where}${first.text}`;
}

// Run as the worker process (not when imported for its types and plugin).
if (process.send && process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  let answered = false;
  // The grader died (the channel closed unasked): end this process group, esbuild included, which a blocked read could keep alive.
  process.once('disconnect', () => answered || process.kill(0, 'SIGKILL'));
  const reply = await bundleJob(JSON.parse(process.argv[2]) as BundleJob);
  answered = true;
  process.send(reply, () => process.disconnect());
}
