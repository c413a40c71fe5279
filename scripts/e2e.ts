import { Command, Option } from 'commander';
import { releaseGpu } from '../accelerated/device';
import { MODELS, trainWithProgress, type BackendName, type ModelName, type TrainResult } from './train';

/**
 * `npm run e2e [-- --backend reference|webgpu|both] [model…]`: the full MNIST runs of the models with
 * their targets (fixtures/e2e), one after another, then a summary table; exits 1 when any target is missed.
 */
const program = new Command('e2e')
  .argument('[models...]', `models (default: all of ${MODELS.join(', ')})`)
  .addOption(new Option('--backend <backend>', 'which backend(s) to run').choices(['reference', 'webgpu', 'both']).default('both'))
  .action(async (names: string[], opts: { backend: BackendName | 'both' }) => {
    const unknown = names.filter((n) => !(MODELS as readonly string[]).includes(n));
    if (unknown.length) program.error(`unknown model(s): ${unknown.join(', ')} (choose from ${MODELS.join(', ')})`);
    const models = (names.length ? names : MODELS) as ModelName[];
    const backends: BackendName[] = opts.backend === 'both' ? ['reference', 'webgpu'] : [opts.backend];
    const results: TrainResult[] = [];
    for (const model of models) for (const backend of backends) results.push(await trainWithProgress(model, { backend }));
    console.log('\n| model | backend | test accuracy | target | wall time |\n|---|---|---|---|---|');
    for (const r of results) {
      const mark = r.testAcc >= r.target ? '' : ' (missed)';
      console.log(`| ${r.model} | ${r.backend} | ${(100 * r.testAcc).toFixed(1)}%${mark} | ≥ ${(100 * r.target).toFixed(0)}% | ${r.seconds.toFixed(0)} s |`);
    }
    process.exitCode = results.every((r) => r.testAcc >= r.target) ? 0 : 1;
  });

try {
  await program.parseAsync();
} finally {
  await releaseGpu();
}
