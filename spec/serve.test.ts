import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KERNEL_TEMPLATE } from '../scripts/serve/checks';
import { serve, type Served } from '../scripts/serve/server';

/**
 * `gradcheck serve` in a real browser: Debian's chromium, headless, driven by playwright-core. With
 * --enable-unsafe-webgpu it gets a WebGPU adapter (SwiftShader on the CPU) on this machine; the other
 * flags keep it off the network, which this machine closes (README, "In the browser").
 */
const CHROMIUM = '/usr/bin/chromium';
const QUIET = ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const WEBGPU = '--enable-unsafe-webgpu';

let served: Served;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  served = await serve(0);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: [...QUIET, WEBGPU] });
  page = await browser.newPage();
  await page.goto(served.url);
  await page.waitForSelector('#adapter[data-status]');
});

afterAll(async () => {
  await browser?.close();
  await served?.close();
});

/** Runs the twin checks of `ops` with `runs` cases each; resolves with the progress line once done. */
async function runChecks(ops: string, runs = 3): Promise<string> {
  await page.fill('#ops', ops);
  await page.fill('#runs', String(runs));
  await page.click('#run-checks');
  await page.waitForSelector('#checks-progress[data-status=done], #checks-progress[data-status=error]');
  return (await page.textContent('#checks-progress'))!;
}

/** Verifies `source` as a kernel for `op` on 5 cases; resolves with the result's status and text. */
async function verify(op: string, source: string): Promise<{ status: string; text: string }> {
  await page.fill('#runs', '5');
  await page.selectOption('#kernel-op', op);
  await page.fill('#kernel-source', source);
  await page.click('#verify-kernel');
  const result = await page.waitForSelector('#kernel-result:is([data-status=pass], [data-status=fail], [data-status=error])');
  return { status: (await result.getAttribute('data-status'))!, text: (await result.textContent())! };
}

describe('gradcheck serve', () => {
  it('serves the page and its bundle, and no other path', async () => {
    const get = async (path: string) => (await fetch(new URL(path, served.url))).status;
    expect(await get('/')).toBe(200);
    expect(await get('/page.js')).toBe(200);
    for (const path of ['/package.json', '/spec/table.ts', '/%2e%2e/package.json', '/scripts/serve/page.ts']) expect(await get(path), path).toBe(404);
  });

  it("finds the browser's own adapter", async () => {
    expect(await page.getAttribute('#adapter', 'data-status')).toBe('ready');
    expect(await page.textContent('#adapter')).toMatch(/^WebGPU adapter: .*swiftshader/i);
  });

  it('runs the twin checks of the chosen ops on that adapter and shows each one passing with its errors', async () => {
    expect(await runChecks('relu, affine,softmax')).toMatch(/^3 ops in [\d.]+ s: 3 pass, 0 fail, 0 error, 0 skipped$/);
    const rows = await page.$$eval('#results tbody tr', (trs) => trs.map((tr) => [tr.getAttribute('data-op'), tr.getAttribute('data-status'), tr.textContent]));
    expect(rows.map(([op, status]) => [op, status])).toEqual([
      ['relu', 'pass'],
      ['affine', 'pass'],
      ['softmax', 'pass'],
    ]);
    expect(rows[1][2]).toMatch(/PASS affine: 3 cases[\s\S]*dw: max abs \d\.\d\de-\d+, max rel/);
  });

  it('names an unknown op with the known ones, and a bad field with its value', async () => {
    expect(await runChecks('relu,nope')).toMatch(/^unknown op "nope"; known ops: .*\brelu, /);
    expect(await runChecks('relu', 0)).toBe('runs: expected an integer ≥ 1, got "0"');
  });

  it('passes a correct pasted kernel', async () => {
    const { status, text } = await verify('relu', KERNEL_TEMPLATE);
    expect(status).toBe('pass');
    expect(text).toMatch(/^PASS relu: 5 cases, seed \d+\nout: max abs /);
  });

  it('fails a wrong pasted kernel and shows its worst element', async () => {
    // |x| instead of relu(x): wrong exactly where x < 0, where relu is 0 and |x| is positive.
    const { status, text } = await verify('relu', KERNEL_TEMPLATE.replace('max(x[i], 0.0)', 'abs(x[i])'));
    expect(status).toBe('fail');
    const worst = text.match(/worst out\[[\d, ]*\]: got (\S+) reference (\S+)/);
    expect(worst, text).not.toBeNull();
    expect(Number(worst![2])).toBe(0);
    expect(Number(worst![1])).toBeGreaterThan(1e-5);
  });

  it('fails a kernel for the wrong op: relu checked as sigmoid', async () => {
    const { status, text } = await verify('sigmoid', KERNEL_TEMPLATE);
    expect(status).toBe('fail');
    expect(text).toMatch(/^FAIL sigmoid[\s\S]*worst out/);
  });

  it('reports WGSL that does not compile with the line and column of each error', async () => {
    const { status, text } = await verify('relu', KERNEL_TEMPLATE.replace('out[i] = max(x[i], 0.0);', 'out[i] = y[i];'));
    expect(status).toBe('error');
    const line = KERNEL_TEMPLATE.split('\n').findIndex((l) => l.includes('out[i] = max')) + 1;
    expect(text).toMatch(new RegExp(`^the kernel does not compile:\\n${line}:\\d+ .*'y'`));
    // The compiler's error stays with this kernel: the next check on the same device is unaffected.
    expect((await verify('relu', KERNEL_TEMPLATE)).status).toBe('pass');
  });

  it('refuses a kernel that leaves a binding of the contract unused, naming it', async () => {
    const { status, text } = await verify('relu', KERNEL_TEMPLATE.replace('params.n', 'arrayLength(&x)'));
    expect(status).toBe('error');
    expect(text).toMatch(/^the kernel does not fit the contract \(x, out, params at bindings 0, 1, 2; entry point main\): .*binding index 2/);
    expect((await verify('relu', KERNEL_TEMPLATE)).status).toBe('pass');
  });

  it('benches the matmul twin in GFLOP/s', async () => {
    await page.click('#run-bench');
    await page.waitForSelector('#bench-status:is([data-status=done], [data-status=error])');
    expect(await page.textContent('#bench-status')).toMatch(/^device: .*swiftshader/i);
    const cells = await page.$$eval('#bench-results tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((c) => c.textContent!)));
    const sizes = [128, 256, 512];
    expect(cells.map(([name]) => name)).toEqual(sizes.map((n) => `matmul ${n}×${n}`));
    cells.forEach(([, ms, gflops], k) => {
      const expected = (2 * sizes[k] ** 3) / (Number(ms) / 1000) / 1e9; // a matmul's 2n³ FLOPs over the time shown
      expect(Math.abs(Number(gflops) - expected) / expected, `${ms} ms, ${gflops} GFLOP/s`).toBeLessThan(0.02);
    });
  });

  it('says there is no adapter in a browser without WebGPU enabled, and offers nothing to run', async () => {
    const plain = await chromium.launch({ executablePath: CHROMIUM, args: QUIET });
    try {
      const p = await plain.newPage();
      await p.goto(served.url);
      await p.waitForSelector('#adapter[data-status]');
      expect(await p.getAttribute('#adapter', 'data-status')).toBe('none');
      expect(await p.textContent('#adapter')).toMatch(/^No WebGPU adapter: navigator\.gpu\.requestAdapter\(\) found none/);
      expect(await p.isDisabled('#run-checks')).toBe(true);
    } finally {
      await plain.close();
    }
  });
});
