import { adapterName, getGpu, gpuOnAdapter, injectGpu } from '../../accelerated/runtime/device';
import { SUITE_SEED, type PropertyResult } from '../../spec/harness/properties';
import { BENCH_SIZES, benchMatmul, checkTwin, KERNEL_OPS, KERNEL_TEMPLATE, selectRows, verifyKernel, type CheckOptions } from './checks';

/**
 * The `gradcheck serve` page (bundled by build.ts): finds the browser's WebGPU adapter, injects it
 * as the process's Gpu, then runs what the user asks for from checks.ts and shows the results.
 * Every result element carries data-status (pass, fail, error, skipped) for tests and styling.
 */
const element = <T extends HTMLElement>(id: string): T => {
  const found = document.getElementById(id);
  if (!found) throw new Error(`page: no element #${id} in index.html`);
  return found as T;
};

const NO_WEBGPU =
  'No WebGPU here: navigator.gpu is missing. WebGPU needs a browser that has it and a secure context ' +
  '(open the page on localhost or 127.0.0.1, not a LAN address).';
const NO_ADAPTER =
  'No WebGPU adapter: navigator.gpu.requestAdapter() found none. Chromium on Linux needs ' +
  '--enable-unsafe-webgpu (headless, it then uses SwiftShader on the CPU); check chrome://gpu.';

/** Shows `text` in `el`, with `status` in its data-status. */
function show(el: HTMLElement, status: string, text: string): void {
  el.dataset.status = status;
  el.textContent = text;
}

const buttons = ['run-checks', 'run-bench', 'verify-kernel'].map((id) => element<HTMLButtonElement>(id));

/** Runs `job` with every button disabled, so that only one job uses the Gpu at a time. */
async function exclusive(job: () => Promise<void>): Promise<void> {
  buttons.forEach((b) => (b.disabled = true));
  try {
    await job();
  } finally {
    buttons.forEach((b) => (b.disabled = false));
  }
}

function integerField(id: string, min: number): number {
  const { value } = element<HTMLInputElement>(id);
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < min) throw new Error(`${id}: expected an integer ≥ ${min}, got "${value}"`);
  return n;
}

const options = (): CheckOptions => ({ runs: integerField('runs', 1), seed: integerField('seed', 0) });

/** One line per tensor of a passing check: its largest errors over every case. */
const maxErrorLines = (r: PropertyResult): string =>
  [...r.maxErrors].map(([name, e]) => `${name}: max abs ${e.abs.toExponential(2)}, max rel ${e.rel.toExponential(2)}`).join('\n');

/** A passing check's errors, or a failing one's shrunk case and its per-tensor report (worst elements). */
const resultText = (r: PropertyResult, replay: boolean): string =>
  r.ok
    ? `PASS ${r.op}: ${r.runs} cases, seed ${r.seed}\n${maxErrorLines(r)}`
    : `FAIL ${r.op}, seed ${r.seed}, case ${r.failure?.sample}\n${r.failure?.report}${replay && r.failure?.replay ? `\nreplay on Node: ${r.failure.replay}` : ''}`;

function addResultRow(op: string, section: string, status: string, text: string): void {
  const tr = document.createElement('tr');
  tr.dataset.op = op;
  tr.dataset.status = status;
  for (const cell of [op, section, status]) tr.insertCell().textContent = cell;
  const pre = document.createElement('pre');
  pre.textContent = text;
  tr.insertCell().append(pre);
  element<HTMLTableElement>('results').tBodies[0].append(tr);
}

async function runChecks(): Promise<void> {
  const progress = element('checks-progress');
  element<HTMLTableElement>('results').tBodies[0].replaceChildren();
  const rows = selectRows(element<HTMLInputElement>('ops').value);
  const opts = options();
  const counts = { pass: 0, fail: 0, error: 0, skipped: 0 };
  const start = performance.now();
  for (const [k, row] of rows.entries()) {
    show(progress, 'running', `${k + 1} / ${rows.length}: checking ${row.id}…`);
    let status: keyof typeof counts;
    let text: string;
    if (!row.twin) {
      [status, text] = ['skipped', `no twin: ${row.reasons?.twin_fwd ?? 'not written yet'}`];
    } else {
      try {
        const r = await checkTwin(row, opts);
        [status, text] = [r.ok ? 'pass' : 'fail', resultText(r, true)];
      } catch (e) {
        [status, text] = ['error', (e as Error).message];
      }
    }
    counts[status]++;
    addResultRow(row.id, row.section, status, text);
  }
  const seconds = ((performance.now() - start) / 1000).toFixed(1);
  show(
    progress,
    'done',
    `${rows.length} ops in ${seconds} s: ${Object.entries(counts)
      .map(([s, n]) => `${n} ${s}`)
      .join(', ')}`,
  );
}

async function runBench(): Promise<void> {
  const status = element('bench-status');
  const body = element<HTMLTableElement>('bench-results').tBodies[0];
  body.replaceChildren();
  for (const n of BENCH_SIZES) {
    show(status, 'running', `timing ${n}×${n}…`);
    const r = await benchMatmul(n);
    const tr = body.insertRow();
    tr.dataset.status = 'done';
    for (const cell of [r.name, (r.seconds * 1000).toFixed(2), r.gflops.toFixed(2)]) tr.insertCell().textContent = cell;
  }
  show(status, 'done', `device: ${(await getGpu()).adapterName}`);
}

async function checkKernel(): Promise<void> {
  const out = element('kernel-result');
  show(out, 'running', 'verifying…');
  try {
    const r = await verifyKernel(element<HTMLSelectElement>('kernel-op').value, element<HTMLTextAreaElement>('kernel-source').value, options());
    show(out, r.ok ? 'pass' : 'fail', resultText(r, false));
  } catch (e) {
    show(out, 'error', (e as Error).message);
  }
}

/** A job whose uncaught error (a bad field, an unknown op) goes to the status line `lineId`. */
const reportingErrors = (job: () => Promise<void>, lineId: string) => () => exclusive(job).catch((e: Error) => show(element(lineId), 'error', e.message));

async function start(): Promise<void> {
  const line = element('adapter');
  element<HTMLInputElement>('seed').value = String(SUITE_SEED);
  element<HTMLSelectElement>('kernel-op').append(...KERNEL_OPS.map((op) => new Option(op, op)));
  element<HTMLTextAreaElement>('kernel-source').value = KERNEL_TEMPLATE;
  if (!navigator.gpu) return show(line, 'none', NO_WEBGPU);
  const adapter = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) return show(line, 'none', NO_ADAPTER);
  const gpu = await gpuOnAdapter(navigator.gpu, adapter, adapterName(adapter.info) || 'browser WebGPU adapter');
  await injectGpu(gpu);
  show(line, 'ready', `WebGPU adapter: ${gpu.adapterName}`);
  element('run-checks').onclick = reportingErrors(runChecks, 'checks-progress');
  element('run-bench').onclick = reportingErrors(runBench, 'bench-status');
  element('verify-kernel').onclick = reportingErrors(checkKernel, 'kernel-result');
  buttons.forEach((b) => (b.disabled = false));
}

start().catch((e: Error) => show(element('adapter'), 'error', `Could not start: ${e.message}`));
