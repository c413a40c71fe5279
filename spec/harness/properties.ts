import fc from 'fast-check';
import type { GpuTensor } from '../../accelerated/runtime/buffers';
import type { BackendName } from '../../reference/models/backend';
import type { Tensor } from '../../reference/tensor';
import { twinAgreement, variantAgreement, type Agreement } from './agreement';
import { describeGradcheck, gradcheck } from './gradcheck';
import type { Impl, OpRow, Sample } from './op';
import { describe } from './tolerance';

/**
 * The property checks behind both the test suite and `gradcheck verify`: random cases from the
 * row's arbitraries, run by fast-check with a fixed seed, shrunk on failure to a small case that
 * is reported with its replay command.
 */

/** Default seed of the suite; GRADCHECK_SEED overrides it to explore other cases. */
export const SUITE_SEED = Number(process.env.GRADCHECK_SEED ?? 20261123);

export interface PropertyOptions {
  seed: number;
  runs: number;
  /** fast-check's replay path, printed with a failure. */
  path?: string;
  /** A user's twin-shaped implementation to verify instead of the row's twin. */
  kernel?: Impl<GpuTensor>;
  kernelPath?: string;
}

export interface PropertyResult {
  ok: boolean;
  op: string;
  backend: BackendName;
  runs: number;
  seed: number;
  /** Per tensor (out, dx, …, or the gradcheck's d-inputs): the largest error seen over passing runs. */
  maxErrors: Map<string, { abs: number; rel: number }>;
  /** Present on failure: the shrunk case, what failed on it, and how to replay it. */
  failure?: { sample: string; report: string; path: string; replay: string };
}

export async function checkProperty(row: OpRow, backend: BackendName, options: PropertyOptions): Promise<PropertyResult> {
  const maxErrors = new Map<string, { abs: number; rel: number }>();
  const note = (name: string, abs: number, rel: number) => {
    const m = maxErrors.get(name) ?? { abs: 0, rel: 0 };
    maxErrors.set(name, { abs: Math.max(m.abs, abs), rel: Math.max(m.rel, rel) });
  };
  const evaluate = async (sample: Sample): Promise<{ ok: boolean; report: string }> => {
    if (backend === 'webgpu') {
      const a = await twinAgreement(row, sample, options.seed, options.kernel);
      if (a.ok) a.comparisons.forEach((c) => note(c.name, c.maxAbs, c.maxRel));
      return { ok: a.ok, report: agreementReport(a) };
    }
    return referenceChecks(row, sample, options.seed, note);
  };
  const arbitrary = backend === 'reference' ? (row.gradSample ?? row.sample) : row.sample;
  const details = await fc.check(
    fc.asyncProperty(arbitrary, async (s) => (await evaluate(s)).ok),
    { seed: options.seed, numRuns: options.runs, path: options.path, endOnFailure: false },
  );
  const result: PropertyResult = { ok: !details.failed, op: row.id, backend, runs: details.numRuns, seed: options.seed, maxErrors };
  if (details.failed && details.counterexample) {
    const [sample] = details.counterexample;
    const { report } = await evaluate(sample).catch((e: Error) => ({ report: `threw: ${e.message}` }));
    const path = details.counterexamplePath ?? '';
    const kernel = options.kernelPath ? ` --kernel ${options.kernelPath}` : '';
    result.failure = {
      sample: fc.stringify(sample),
      report,
      path,
      replay: `npx gradcheck verify ${row.id} --backend ${backend} --seed ${options.seed} --path ${path}${kernel}`,
    };
  } else if (details.failed) {
    result.failure = { sample: '(none)', report: String(details.errorInstance ?? 'failed'), path: '', replay: '' };
  }
  return result;
}

/** Reference backend: the gradient check of the reference and of each variant, and variant agreement. */
function referenceChecks(row: OpRow, sample: Sample, seed: number, note: (name: string, abs: number, rel: number) => void): { ok: boolean; report: string } {
  const lines: string[] = [];
  let ok = true;
  const impls: Array<[string, Impl<Tensor>]> = [['reference', row.reference], ...Object.entries(row.variants ?? {})];
  for (const [name, impl] of impls) {
    if (!impl.backward) continue;
    const g = gradcheck(row, impl, sample, seed);
    Object.entries(g.perInput).forEach(([input, err]) => note(`${name} d${input} rel_error`, 0, err));
    ok &&= g.ok;
    lines.push(`gradcheck ${name}: ${describeGradcheck(g)}`);
  }
  for (const [name, variant] of Object.entries(row.variants ?? {})) {
    const a = variantAgreement(row, variant, sample, seed);
    a.comparisons.forEach((c) => note(`${name} ${c.name}`, c.maxAbs, c.maxRel));
    ok &&= a.ok;
    lines.push(`variant ${name} vs reference:\n${agreementReport(a)}`);
  }
  return { ok, report: lines.join('\n') };
}

export const agreementReport = (a: Agreement): string =>
  a.comparisons.map((c) => `  ${describe(c, a.tolerance, { actual: 'got', expected: 'reference' })}`).join('\n');

/** The multi-line message of a failed property. */
export function failureMessage(r: PropertyResult): string {
  if (!r.failure) return `${r.op}: passed`;
  const { sample, report, replay } = r.failure;
  return `${r.op} (${r.backend}) failed after shrinking, seed ${r.seed}:\n  case ${sample}\n${report}\n  replay: ${replay}`;
}
