import { build, type Plugin } from 'esbuild';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The browser build of the `gradcheck serve` page: page.ts and everything it imports (the op table,
 * references, twins, property checks), bundled by esbuild for the browser, kept in memory.
 *
 * The page injects a Gpu on the browser's navigator.gpu (injectGpu), so getGpu never loads the
 * Node adapter lookup (accelerated/runtime/node_adapter.ts: Dawn, the file system) that it imports lazily:
 * that one import stays outside the bundle. Every Node import bundled fails the build: esbuild's
 * browser platform names it.
 */
const nodeAdapterOutside: Plugin = {
  name: 'node-adapter-outside',
  setup(b) {
    b.onResolve({ filter: /^\.\/node_adapter$/ }, (args) => ({ path: args.path, external: true }));
  },
};

export interface PageFile {
  readonly type: string;
  readonly body: string | Uint8Array;
}

/** The page's files by URL path: index.html and the bundled page.js. */
export async function buildPage(): Promise<Map<string, PageFile>> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('page.ts', import.meta.url))],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    write: false,
    outfile: 'page.js',
    // spec/harness/properties.ts reads GRADCHECK_SEED from the environment; a page has none (its seed is a field).
    define: { 'process.env.GRADCHECK_SEED': 'undefined' },
    plugins: [nodeAdapterOutside],
    logLevel: 'silent',
  });
  const html = readFileSync(new URL('index.html', import.meta.url), 'utf8');
  return new Map<string, PageFile>([
    ['/', { type: 'text/html; charset=utf-8', body: html }],
    ['/page.js', { type: 'text/javascript; charset=utf-8', body: result.outputFiles[0].contents }],
  ]);
}
