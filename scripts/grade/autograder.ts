import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../spec/harness/fixtures';
import { opPoints, rubricJson, type Rubric } from './rubric';
import { zip, type ZipEntry } from './zip';

/**
 * `gradcheck autograder <ops…> --out dir`: a Gradescope autograder. Gradescope unpacks
 * autograder.zip into /autograder/source, runs setup.sh there once (as root) to build the image,
 * then run_autograder for each submission, which must leave /autograder/results/results.json.
 * The zip carries this package's source (gradcheck-ts/), which setup.sh installs, and the rubric.
 */

/** Replaces /autograder in run_autograder: a test points it at a temporary folder. */
export const ROOT_VARIABLE = 'GRADCHECK_AUTOGRADER_ROOT';
/** The folder of the zip (so of /autograder/source) holding this package. */
export const PACKAGE_DIR = 'gradcheck-ts';
/** What grading needs of this package: the command line, the op table, the references, the twins, the case files. */
const PACKAGE_PARTS = ['package.json', 'package-lock.json', 'tsconfig.json', 'accelerated', 'fixtures', 'reference', 'scripts', 'spec'];

const SETUP_SH = `#!/usr/bin/env bash
# Gradescope runs this once, as root, in /autograder/source (this zip, unpacked) to build the
# autograder's image: the Debian/Ubuntu packages the grader needs, Node 20 and gradcheck-ts.
set -euo pipefail
cd "$(dirname "$0")"
export DEBIAN_FRONTEND=noninteractive

# util-linux: setpriv and unshare, with which the sandbox runs each submission as nobody in
# namespaces of its own. libvulkan1 and a CPU Vulkan driver for WebGPU (Dawn, loaded by the command
# line): SwiftShader, which Debian's chromium package ships; where chromium is no Debian package
# (Ubuntu's is a snap), Mesa's lavapipe (mesa-vulkan-drivers) instead.
packages=(ca-certificates curl gnupg util-linux libvulkan1)
apt-get update -qq
if apt-cache show chromium >/dev/null 2>&1; then packages+=(chromium); else packages+=(mesa-vulkan-drivers); fi
apt-get install -y -qq --no-install-recommends "\${packages[@]}"

# Node 20 from NodeSource, unless a Node 20 or later is there already.
if ! node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' 2>/dev/null; then
  curl -fsSL https://deb.nodesource.com/setup_20.x | bash -
  apt-get install -y -qq nodejs
fi

# gradcheck-ts, shipped in this zip, with the npm packages of its package-lock.json.
cd ${PACKAGE_DIR}
npm ci --omit=dev --no-audit --no-fund
`;

const RUN_AUTOGRADER = `#!/usr/bin/env bash
# Gradescope runs this for each submission, as root: grades /autograder/submission (one submission,
# its modules bundled together) against source/rubric.json in the grader's sandbox (as root: nobody,
# in PID, network and mount namespaces of its own) and writes /autograder/results/results.json.
# ${ROOT_VARIABLE} replaces /autograder (the tests point it at a temporary folder).
set -euo pipefail
root="\${${ROOT_VARIABLE}:-/autograder}"
exec node "$root/source/${PACKAGE_DIR}/scripts/gradcheck.mjs" grade "$root/submission" \\
  --rubric "$root/source/rubric.json" --json "$root/results/results.json"
`;

/**
 * The rubric of the assignment: `base` (a --rubric file, or the defaults) for the given ops. Points
 * are the file's where it names ops (then exactly these), otherwise the ops share its total equally.
 */
export function autograderRubric(ops: readonly string[], base: Rubric): Rubric {
  if (base.ops) {
    const named = Object.keys(base.ops).sort();
    if (named.join() !== [...ops].sort().join()) {
      throw new Error(
        `--rubric gives points to ${named.join(', ')}, but the assignment's ops are ${ops.join(', ')}: name the same ops, or leave "ops" out of the rubric`,
      );
    }
    return base;
  }
  return { ...base, ops: opPoints(base, ops) };
}

/** Regular files under the package parts, as paths relative to the checkout, sorted (so the zip is reproducible). */
function packageFiles(): string[] {
  const walk = (rel: string): string[] => {
    const st = lstatSync(join(ROOT, rel));
    if (st.isDirectory())
      return readdirSync(join(ROOT, rel))
        .sort()
        .flatMap((f) => walk(`${rel}/${f}`));
    return st.isFile() ? [rel] : [];
  };
  return PACKAGE_PARTS.flatMap(walk);
}

/** Writes setup.sh, run_autograder, rubric.json and autograder.zip (the three, plus gradcheck-ts/) into `out`; returns their paths. */
export function writeAutograder(rubric: Rubric, out: string): string[] {
  mkdirSync(out, { recursive: true });
  const own: ZipEntry[] = [
    { name: 'setup.sh', data: Buffer.from(SETUP_SH), mode: 0o755 },
    { name: 'run_autograder', data: Buffer.from(RUN_AUTOGRADER), mode: 0o755 },
    { name: 'rubric.json', data: Buffer.from(rubricJson(rubric)), mode: 0o644 },
  ];
  const shipped = packageFiles().map((rel) => ({ name: `${PACKAGE_DIR}/${rel}`, data: readFileSync(join(ROOT, rel)), mode: lstatSync(join(ROOT, rel)).mode }));
  const written = own.map(({ name, data, mode }) => {
    const path = join(out, name);
    writeFileSync(path, data);
    chmodSync(path, mode);
    return path;
  });
  const archive = join(out, 'autograder.zip');
  writeFileSync(archive, zip([...own, ...shipped]));
  return [...written, archive];
}
