import { Command, InvalidArgumentError, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { GpuTensor } from '../accelerated/runtime/buffers';
import { getGpu, releaseGpu } from '../accelerated/runtime/device';
import { checkCaseFitsRow, checkCaseReference, checkCaseTwin, parseCase } from '../spec/harness/casefile';
import { staleFixtures, writeFixtures } from '../spec/harness/fixtures';
import { implFromModule } from '../spec/harness/op';
import { checkProperty, failureMessage, SUITE_SEED } from '../spec/harness/properties';
import { BACKEND_NAMES, type BackendName } from '../reference/models/backend';
import { findRow, TABLE } from '../spec/harness/table';
import { agreementReport } from '../spec/harness/properties';
import { BENCH_CASES, benchCase, formatBench, shareAdapterWithTfjs } from './bench';
import { coverage, formatCoverage } from './coverage';
import { registerGradeCommands } from './grade/commands';
import { registerServeCommand } from './serve/command';
import { registerTrainCommand } from './train';
import { progressBar } from './progress';

const integer =
  (name: string) =>
  (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a non-negative integer, got "${value}"`);
    return n;
  };

const program = new Command('gradcheck')
  .description('Reference deep-learning ops (float64 loops) and their WebGPU twins, checked against each other.')
  .showHelpAfterError();

program
  .command('ops')
  .description('coverage table: per op, which of reference/twin forward/backward, gradient check, property test, fixtures and oracle cases exist')
  .option('--json', 'print the rows as JSON')
  .action((opts: { json?: boolean }) => {
    const rows = coverage(TABLE);
    console.log(opts.json ? JSON.stringify(rows, null, 2) : formatCoverage(rows));
  });

program
  .command('verify')
  .description(
    'random cases: reference backward vs numerical gradients (reference), twin vs reference (webgpu); prints per-tensor max errors and the replay seed',
  )
  .argument('<op...>', 'op ids (see `gradcheck ops`), or "all"')
  .addOption(new Option('--backend <backend>', 'what to verify').choices([...BACKEND_NAMES, 'both']).default('both'))
  .option('--runs <n>', 'random cases per op and backend', integer('--runs'), 20)
  .option('--seed <s>', 'fast-check seed (the replay seed)', integer('--seed'), SUITE_SEED)
  .option('--path <path>', 'fast-check replay path, as printed with a failure')
  .option('--kernel <module>', 'verify this module (exports <op>Forward/<op>Backward with the twin signature) instead of the twin')
  .action(async (ids: string[], opts: { backend: BackendName | 'both'; runs: number; seed: number; path?: string; kernel?: string }) => {
    const rows = ids.includes('all') ? TABLE : ids.map(findRow);
    const backends: readonly BackendName[] = opts.backend === 'both' ? BACKEND_NAMES : [opts.backend];
    const kernelModule = opts.kernel && (await import(pathToFileURL(resolve(opts.kernel)).href));
    if (backends.includes('webgpu')) await getGpu(); // no adapter: one clear sentence, before any case runs
    let failed = 0;
    for (const row of rows) {
      for (const backend of backends) {
        if (backend === 'webgpu' && !row.twin && !kernelModule) {
          console.log(`${row.id} (webgpu): no twin — ${row.reasons?.twin_fwd ?? 'not written yet'}`);
          continue;
        }
        if (backend === 'reference' && !row.reference.backward && !row.variants) {
          console.log(`${row.id} (reference): nothing to check without a backward — ${row.reasons?.ref_bwd ?? 'not written yet'}`);
          continue;
        }
        const kernel = kernelModule && backend === 'webgpu' ? implFromModule<GpuTensor>(row, kernelModule, opts.kernel!) : undefined;
        const what = backend === 'webgpu' ? `${kernel ? opts.kernel : 'WebGPU twin'} vs float64 reference` : 'reference backward vs numerical gradients';
        console.log(`${row.id} — ${what}, ${opts.runs} runs, seed ${opts.seed}`);
        const r = await checkProperty(row, backend, { seed: opts.seed, runs: opts.runs, path: opts.path, kernel, kernelPath: opts.kernel });
        if (r.ok) {
          for (const [name, e] of r.maxErrors) {
            console.log(`  ${name.padEnd(28)} max abs ${e.abs.toExponential(2)}  max rel ${e.rel.toExponential(2)}`);
          }
          console.log(`  PASS (${r.runs} runs; replay: npx gradcheck verify ${row.id} --backend ${backend} --seed ${r.seed})`);
        } else {
          failed++;
          console.log(`  FAIL ${failureMessage(r)}`);
        }
      }
    }
    process.exitCode = failed ? 1 : 0;
  });

program
  .command('check')
  .description('evaluate case files (DESIGN.md format) with the reference and the twin, per tensor')
  .argument('<files...>', 'case files')
  .option('--no-twin', 'only the reference')
  .action(async (files: string[], opts: { twin: boolean }) => {
    let failed = 0;
    for (const file of files) {
      const c = parseCase(readFileSync(file, 'utf8'), file);
      const row = findRow(c.op);
      checkCaseFitsRow(row, c, file);
      const ref = checkCaseReference(row, c);
      console.log(`${file} (${c.op})\n  reference: ${ref.ok ? 'PASS' : 'FAIL'}\n${agreementReport(ref)}`);
      failed += ref.ok ? 0 : 1;
      if (opts.twin && row.twin) {
        const twin = await checkCaseTwin(row, c);
        console.log(`  twin: ${twin.ok ? 'PASS' : 'FAIL'}\n${agreementReport(twin)}`);
        failed += twin.ok ? 0 : 1;
      }
    }
    console.log(`${files.length} case files, ${failed ? `${failed} failed` : 'all passed'}`);
    process.exitCode = failed ? 1 : 0;
  });

program
  .command('fixtures')
  .description("regenerate fixtures/reference byte-identically from the reference and each row's seeded samples")
  .option('--check', 'regenerate in memory and fail, naming each stale, missing or orphaned file, if anything differs')
  .action((opts: { check?: boolean }) => {
    const bar = progressBar(opts.check ? 'checking fixtures' : 'writing fixtures', TABLE.length);
    if (opts.check) {
      const problems = staleFixtures(TABLE, (row) => bar.tick(row.id));
      bar.stop();
      problems.forEach((p) => console.log(p));
      console.log(problems.length ? `${problems.length} fixture problems; run \`npx gradcheck fixtures\` to regenerate` : 'fixtures are fresh');
      process.exitCode = problems.length ? 1 : 0;
    } else {
      const n = writeFixtures(TABLE, (row) => bar.tick(row.id));
      bar.stop();
      console.log(`wrote ${n} files: the case files of ${TABLE.length} ops under fixtures/reference and the MNIST split fixtures/e2e/mnist-split.json`);
    }
  });

program
  .command('bench')
  .description('time per call of the twin, the reference, tfjs-backend-webgpu (same adapter) and tfjs-backend-cpu, side by side, as ratios and GFLOP/s')
  .argument('[case...]', `bench cases (default all): ${BENCH_CASES.map((c) => `"${c.name}"`).join(', ')}; or an op id`)
  .option('--no-reference', 'skip the (slow) float64 reference')
  .action(async (names: string[], opts: { reference: boolean }) => {
    const cases = names.length ? BENCH_CASES.filter((c) => names.includes(c.name) || names.includes(c.op)) : BENCH_CASES;
    if (!cases.length) throw new Error(`no bench case matches ${names.join(', ')}; cases: ${BENCH_CASES.map((c) => c.name).join(', ')}`);
    const gpu = await getGpu();
    await shareAdapterWithTfjs(gpu);
    console.log(`device: ${gpu.adapterName}`);
    for (const c of cases) console.log(formatBench(c, await benchCase(gpu, c, opts.reference)));
  });

registerGradeCommands(program);
registerTrainCommand(program);
registerServeCommand(program);

try {
  await program.parseAsync();
} catch (e) {
  console.error(`gradcheck: ${(e as Error).message}`);
  process.exitCode = 1;
} finally {
  await releaseGpu();
}
