import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Builds the package's library (`npm run build`, run by `npm pack` as prepack) into dist/: one ESM
 * bundle of lib/index.ts for Node 20 (dependencies stay imports), and the declarations a consumer's
 * TypeScript reads, so neither needs tsx. tsc emits declarations for every file the API reaches;
 * only those lib/index.d.ts imports (directly or not) are kept, with their relative imports given
 * the `.js` extension that Node's ESM resolution (TypeScript's node16/nodenext) requires.
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');
const EMITTED = join(DIST, '.declarations');
const TYPES = join(DIST, 'types');

rmSync(DIST, { recursive: true, force: true });
await build({
  entryPoints: [join(ROOT, 'lib', 'index.ts')],
  outfile: join(DIST, 'index.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
if (spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'lib', 'tsconfig.json')], { stdio: 'inherit' }).status !== 0) {
  console.error('build: tsc could not emit the declarations (its errors are above)');
  process.exit(1);
}
const kept = keepReachable(join(EMITTED, 'lib', 'index.d.ts'));
rmSync(EMITTED, { recursive: true, force: true });
// On stderr, so that `npm pack --json` prints only its JSON.
console.error(`build: dist/index.js and ${kept} declaration files under dist/types`);

/** Copies the declarations reachable from `entry` into dist/types, imports made explicit; returns how many. */
function keepReachable(entry: string): number {
  const specifier = /(\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)(['"])(\.\.?\/[^'"]+)\2/g;
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(file, 'utf8').replace(specifier, (_, head: string, quote: string, path: string) => {
      const target = resolve(dirname(file), path);
      const asFile = existsSync(`${target}.d.ts`);
      const declaration = asFile ? `${target}.d.ts` : join(target, 'index.d.ts');
      if (!existsSync(declaration)) throw new Error(`build: ${relative(ROOT, file)} imports ${path}, which has no declaration`);
      queue.push(declaration);
      return `${head}${quote}${path}${asFile ? '.js' : '/index.js'}${quote}`;
    });
    const out = join(TYPES, relative(EMITTED, file));
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, text);
  }
  return seen.size;
}
