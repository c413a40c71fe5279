import type { Metafile, OnResolveArgs, OnResolveResult, Plugin, ResolveResult } from 'esbuild';
import { lstatSync, readdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import { isBuiltin } from 'node:module';
import { basename, dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/**
 * What a submission may bundle: only regular source files whose real path lies inside its folder
 * (a single-file submission: the folder holding it, subfolders included), Node built-ins (left
 * external: the sandbox's permission model decides what they may do at run time) and allow-listed
 * packages. Imports made by the runner and by whatever it imports (the grader's own code) are
 * trusted and resolve as usual: an import is the submission's when its importer lies inside the
 * submission's folder, or it is one of the entry's imports of the submission's modules.
 */

/** Source files a submission may be made of. */
export const SOURCE_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'];

export interface Layout {
  /** Real path of the folder whose files the submission may bundle. */
  root: string;
  /** The modules the entry imports: the file itself, or every top-level source file of the folder. */
  files: string[];
}

export interface Confinement extends Layout {
  /** The runner module the entry imports first (trusted). */
  runner: string;
  /** Folders outside the root the submission may also import from (twins: the checkout's accelerated/). */
  libraries: readonly string[];
  /** Bare package names the submission may import (none by default). */
  packages: readonly string[];
  /** A single-file submission of a batch: the files beside it are other students', so it may import none of them. */
  alone?: boolean;
}

/** Name of the virtual entry module, and its namespace. */
export const ENTRY = 'gradcheck-entry';

export const isInside = (path: string, dir: string): boolean => {
  const r = relative(dir, path);
  return r === '' || (r !== '..' && !r.startsWith(`..${sep}`) && !isAbsolute(r));
};

/**
 * The submission's folder and modules. The submission itself may not be a symlink: the folder it
 * names would become the root, and in a batch the entries are the students' (any folder of the machine).
 */
export function submissionLayout(path: string): Layout {
  const full = resolve(path);
  if (lstatSync(full).isSymbolicLink()) throw new Error(`${full} is a symbolic link; a submission is a file or folder of its own`);
  if (!statSync(full).isDirectory()) return { root: realpathSync(dirname(full)), files: [join(realpathSync(dirname(full)), basename(full))] };
  const root = realpathSync(full);
  const files = readdirSync(root)
    .filter((f) => SOURCE_EXTENSIONS.includes(extname(f)) && !f.endsWith('.d.ts'))
    .sort()
    .map((f) => join(root, f));
  return { root, files };
}

/** The entry module: the runner first (its module body captures built-ins before the submission's runs), then the submission's modules merged. */
function entrySource({ runner, files }: Confinement): string {
  const imports = files.map((f, i) => `import * as m${i} from ${JSON.stringify(f)};`).join('\n');
  return `import { serve } from ${JSON.stringify(runner)};\n${imports}\nserve({ ${files.map((_, i) => `...m${i}`).join(', ')} });\n`;
}

const INNER = { inner: true };

/** The esbuild plugin that enforces the confinement; every refusal is an error naming the import and why. */
export function confine(c: Confinement): Plugin {
  return {
    name: 'confine',
    setup(b) {
      /** Every file esbuild may load: what an import resolved to. A glob import's matches are not among them. */
      const approved = new Set<string>();
      const approve = (r: ResolveResult): OnResolveResult => {
        if (r.errors.length > 0) return { errors: r.errors };
        if (!r.external && r.namespace === 'file') approved.add(r.path);
        return { path: r.path, external: r.external, namespace: r.namespace, sideEffects: r.sideEffects, suffix: r.suffix };
      };
      const asUsual = async (a: OnResolveArgs) =>
        approve(
          await b.resolve(a.path, { kind: a.kind, importer: a.importer, namespace: a.namespace, resolveDir: a.resolveDir, with: a.with, pluginData: INNER }),
        );
      const trusted = (a: OnResolveArgs) =>
        a.namespace === ENTRY ? a.path === c.runner : a.namespace === 'file' && !isInside(realpathSync(a.importer), c.root);

      b.onResolve({ filter: /.*/ }, async (a) => {
        if (a.pluginData === INNER) return undefined;
        if (a.kind === 'entry-point') return { path: ENTRY, namespace: ENTRY };
        if (trusted(a)) return asUsual(a);
        const refuse = (why: string): OnResolveResult => ({ errors: [{ text: `imports "${a.path}": ${why}` }] });
        if (Object.keys(a.with).length > 0) return refuse(`import attributes (with ${JSON.stringify(a.with)}) are not allowed`);
        if (!/^(\.{1,2}(\/|$)|\/)/.test(a.path)) {
          if (isBuiltin(a.path)) return { path: a.path, external: true };
          if (c.packages.includes(packageName(a.path))) return asUsual(a);
          const what = /^[a-z][a-z\d+.-]*:/i.test(a.path) ? 'a URL' : 'a package';
          return refuse(`${what}; a submission imports only its own files and node: built-ins`);
        }
        const found = locate(resolve(a.resolveDir, a.path));
        if (!found) return refuse('no such file');
        const real = realpathSync(found);
        const library = c.libraries.some((l) => isInside(real, l));
        if (!isInside(real, c.root) && !library) return refuse('outside the submission folder');
        if (c.alone && !library && !c.files.includes(real)) return refuse('another file beside the submission: in a batch each file is graded alone');
        const special = specialFile(statSync(real));
        if (special) return refuse(`not a regular file (${special})`);
        if (!SOURCE_EXTENSIONS.includes(extname(real))) return refuse(`not a source file (${SOURCE_EXTENSIONS.join(', ')})`);
        approved.add(real);
        return { path: real };
      });

      b.onLoad({ filter: /.*/, namespace: ENTRY }, () => ({ contents: entrySource(c), loader: 'ts', resolveDir: c.root }));
      b.onLoad({ filter: /.*/, namespace: 'file' }, (a) =>
        approved.has(a.path)
          ? undefined
          : { errors: [{ text: `loads ${a.path} through a computed import (a path built at run time); only imports of literal paths are allowed` }] },
      );
    },
  };
}

/**
 * A computed import (`import('./' + name)`) that esbuild turned into a glob whose matches were all
 * approved (files also imported by name): still refused, so no glob can reach a module the runner bundles.
 * The metafile's inputs are relative to the build's working directory, the submission's root.
 */
export function computedImport(metafile: Metafile, root: string): string | undefined {
  for (const [input, { imports }] of Object.entries(metafile.inputs)) {
    if (input.startsWith(`${ENTRY}:`) || !isInside(resolve(root, input), root)) continue;
    const glob = imports.find((i) => i.path.includes('*'));
    if (glob) return `${input} imports "${glob.path}": a computed import (a path built at run time); only imports of literal paths are allowed`;
  }
  return undefined;
}

/** The file an import path names, TypeScript's way: exact, `.js` for `.ts`, an added extension, or a folder's index. */
function locate(base: string): string | undefined {
  const asTs = base.replace(/\.js$/, '.ts').replace(/\.mjs$/, '.mts');
  const candidates = [base, asTs, ...SOURCE_EXTENSIONS.map((e) => base + e), ...SOURCE_EXTENSIONS.map((e) => join(base, `index${e}`))];
  return candidates.find((p) => {
    try {
      return !statSync(p).isDirectory();
    } catch {
      return false;
    }
  });
}

function specialFile(s: Stats): string | undefined {
  if (s.isFile()) return undefined;
  if (s.isFIFO()) return 'a FIFO';
  if (s.isCharacterDevice() || s.isBlockDevice()) return 'a device';
  if (s.isSocket()) return 'a socket';
  return 'not a file';
}

const packageName = (spec: string) =>
  spec
    .split('/')
    .slice(0, spec.startsWith('@') ? 2 : 1)
    .join('/');
