import { build } from 'esbuild';
import { fork } from 'node:child_process';
import { chmodSync, realpathSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SOURCE_EXTENSIONS } from './bundle_confine';
import { externalsPlugin, type BundleJob, type BundleReply } from './bundle_worker';
import { supervise } from './proc';
import { onTeardown, scratchDir } from './scratch';

export { SOURCE_EXTENSIONS };

const HERE = dirname(fileURLToPath(import.meta.url));
const checkoutUrl = (name: string) => pathToFileURL(createRequire(import.meta.url).resolve(name)).href;

/** The runner bundled with a submission: reference-shaped functions on host tensors, or twin-shaped ones on the device. */
export type Runner = 'reference' | 'twin';
const RUNNERS: Record<Runner, string> = { reference: 'child.ts', twin: 'twin_child.ts' };

export interface BundleOptions {
  /** Bare packages the submission may import; none by default. */
  packages?: readonly string[];
  /** How long bundling may take (default 20 s). */
  timeoutMs?: number;
  /** Resident memory of the bundler's processes (default 1024 MB). */
  memoryMb?: number;
  /** One submission of a batch: a single file may import no file beside it (those are other students'). */
  batch?: boolean;
}

const DEFAULT_LIMITS = { timeoutMs: 20_000, memoryMb: 1024 };
/** V8 heap of the bundler process; the esbuild service it starts is not a V8 process, the RSS watchdog covers both. */
const WORKER_HEAP_MB = 512;
const WATCH_MS = 25;

export interface Bundle {
  /** The single .mjs the sandbox runs: the child runner plus the submission and its imports. */
  file: string;
  dispose(): void;
}

/**
 * Transpiles and bundles a submission (TypeScript or JavaScript, with its relative imports) with
 * the child runner (`runner`) into one ES module in a fresh temporary folder, so the sandboxed
 * process needs to read one file and no TypeScript loader. The submission may bundle only the
 * regular source files inside its folder (scripts/grade/bundle_confine.ts); a twin may also import
 * the checkout's accelerated/. Bundling runs in a child process under a time and memory limit.
 * Throws one line: a refused import, a compile error ("does not compile: …") or a broken limit.
 */
export async function bundleSubmission(path: string, runner: Runner = 'reference', options: BundleOptions = {}): Promise<Bundle> {
  const script = await workerScript();
  const dir = scratchDir('grade');
  const file = join(dir.path, `${basename(path).replace(/[^\w.-]/g, '_')}.mjs`);
  const twin = runner === 'twin';
  const job: BundleJob = {
    path: resolve(path),
    outfile: file,
    runner: realpathSync(join(HERE, RUNNERS[runner])),
    libraries: twin ? [realpathSync(join(HERE, '..', '..', 'accelerated'))] : [],
    packages: [...(options.packages ?? [])],
    alone: Boolean(options.batch) && !statSync(path).isDirectory(),
    // `webgpu` loads Dawn, a native addon, from beside its own files: it stays an import of this checkout's copy.
    externals: twin ? { webgpu: checkoutUrl('webgpu') } : {},
  };
  const reply = await runWorker(script, job, { ...DEFAULT_LIMITS, ...options });
  if ('error' in reply) {
    dir.dispose();
    throw new Error(reply.error);
  }
  // Readable by the sandbox's user where that is another one (e.g. nobody, when the grader runs as root).
  chmodSync(dir.path, 0o755);
  chmodSync(file, 0o644);
  return { file, dispose: dir.dispose };
}

let worker: Promise<string> | undefined;

/** scripts/grade/bundle_worker.ts compiled once per process to one .mjs (trusted code), esbuild kept as this checkout's. */
function workerScript(): Promise<string> {
  worker ??= (async () => {
    const outfile = join(scratchDir('bundler').path, 'bundle_worker.mjs');
    await build({
      entryPoints: [join(HERE, 'bundle_worker.ts')],
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      outfile,
      logLevel: 'silent',
      plugins: [externalsPlugin({ esbuild: checkoutUrl('esbuild') })],
    });
    return outfile;
  })();
  return worker;
}

/**
 * Runs the worker in its own process group (so the esbuild service it starts dies with it) with an
 * empty environment, and ends the group when it answers, outlives `timeoutMs`, holds more than
 * `memoryMb` resident in all, or when the grader ends.
 */
function runWorker(script: string, job: BundleJob, limits: { timeoutMs: number; memoryMb: number }): Promise<BundleReply> {
  const { ESBUILD_BINARY_PATH } = process.env;
  const child = fork(script, [JSON.stringify(job)], {
    detached: true,
    env: ESBUILD_BINARY_PATH ? { ESBUILD_BINARY_PATH } : {},
    execArgv: [`--max-old-space-size=${WORKER_HEAP_MB}`, '--no-warnings'],
    serialization: 'json',
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  const endGroup = onTeardown(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // Already gone.
    }
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
  const { settle, result } = supervise<BundleReply>(
    child,
    {
      ...limits,
      everyMs: WATCH_MS,
      onTimeout: () => ({ error: `bundling took longer than ${limits.timeoutMs / 1000} s` }),
      onMemory: () => ({ error: `bundling used more than ${limits.memoryMb} MB` }),
      onExit: (code, signal) => {
        const why = stderr.trim().split('\n')[0];
        return { error: `the bundler crashed (${signal ?? `exit code ${code}`})${why ? `: ${why}` : ''}` };
      },
    },
    endGroup,
  );
  child.once('message', (m) => settle(m as BundleReply));
  return result;
}
