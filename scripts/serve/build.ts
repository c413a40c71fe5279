import { build, type Plugin } from 'esbuild';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The browser build of the `gradcheck serve` page: page.ts and everything it imports (the op table,
 * references, twins, property checks), bundled by esbuild for the browser, kept in memory.
 *
 * accelerated/device.ts is the one module with Node-only imports: Dawn (`webgpu`) and the files it
 * probes to find a Vulkan driver. The page injects a Gpu on the browser's navigator.gpu instead
 * (injectGpu), so those imports become stubs that throw if ever called. Every other Node import
 * still fails the build: esbuild's browser platform names it.
 */
const DEVICE_TS = fileURLToPath(new URL('../../accelerated/device.ts', import.meta.url));
const DEVICE_NODE_IMPORTS: Readonly<Record<string, readonly string[]>> = {
  webgpu: ['create', 'globals'],
  'node:fs': ['existsSync', 'mkdtempSync', 'readdirSync', 'statSync'],
  'node:os': ['tmpdir'],
  'node:path': ['join'],
};

const stubDeviceNodeImports: Plugin = {
  name: 'device-node-imports',
  setup(b) {
    b.onResolve({ filter: new RegExp(`^(${Object.keys(DEVICE_NODE_IMPORTS).join('|')})$`) }, (args) =>
      args.importer === DEVICE_TS ? { path: args.path, namespace: 'node-only' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'node-only' }, (args) => ({
      loader: 'js',
      contents: DEVICE_NODE_IMPORTS[args.path]
        .map((name) => `export const ${name} = () => { throw new Error('${args.path} ${name}: Node-only; the page injects navigator.gpu'); };`)
        .join('\n'),
    }));
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
    // spec/properties.ts reads GRADCHECK_SEED from the environment; a page has none (its seed is a field).
    define: { 'process.env.GRADCHECK_SEED': 'undefined' },
    plugins: [stubDeviceNodeImports],
    logLevel: 'silent',
  });
  const html = readFileSync(new URL('index.html', import.meta.url), 'utf8');
  return new Map<string, PageFile>([
    ['/', { type: 'text/html; charset=utf-8', body: html }],
    ['/page.js', { type: 'text/javascript; charset=utf-8', body: result.outputFiles[0].contents }],
  ]);
}
