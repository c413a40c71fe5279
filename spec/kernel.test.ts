import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { read, upload } from '../accelerated/runtime/buffers';
import { getGpu, releaseGpu } from '../accelerated/runtime/device';
import { kernel, launch } from '../accelerated/runtime/kernel';
import { tensor } from '../reference/tensor';

/**
 * The one kernel builder (accelerated/runtime/kernel.ts): launches match buffers and uniforms to the
 * declarations by name and refuse any mismatch, the generated bindings, uniform struct and entry
 * points run and compute what the body says, and no other file of accelerated/ writes bindings.
 */
afterAll(releaseGpu);

/** out[i] = a[i]·scale + offset[i], one invocation per element. */
const affine = kernel({
  name: 'spec:affine',
  inputs: { a: 'f32', offset: 'i32' },
  outputs: { out: 'f32' },
  uniforms: { scale: 'f32' },
  body: 'out[i] = a[i] * u.scale + f32(offset[i]);',
});

describe('launch by name', () => {
  async function tensors() {
    const gpu = await getGpu();
    return {
      gpu,
      a: upload(gpu, tensor([3], [1, 2, 3])),
      offset: upload(gpu, tensor([3], [0, 1, 2]), 'i32'),
      out: upload(gpu, tensor([3])),
    };
  }

  it('refuses a missing uniform, naming it', async () => {
    const { gpu, a, offset, out } = await tensors();
    expect(() => launch(gpu, affine, { a, offset, out }, { count: 3 })).toThrow("kernel spec:affine: no uniform for 'scale' (declared: count, scale)");
  });

  it('refuses an unknown uniform, naming it, even when the count of values matches', async () => {
    const { gpu, a, offset, out } = await tensors();
    expect(() => launch(gpu, affine, { a, offset, out }, { count: 3, factor: 2 })).toThrow(
      "kernel spec:affine: no uniform for 'scale', unknown uniform 'factor' (declared: count, scale)",
    );
  });

  it('refuses a missing or unknown buffer, naming it', async () => {
    const { gpu, a, offset, out } = await tensors();
    expect(() => launch(gpu, affine, { a, out }, { count: 3, scale: 2 })).toThrow("kernel spec:affine: no buffer for 'offset' (declared: a, offset, out)");
    expect(() => launch(gpu, affine, { a, offset, out, extra: out }, { count: 3, scale: 2 })).toThrow(
      "kernel spec:affine: unknown buffer 'extra' (declared: a, offset, out)",
    );
  });

  it('refuses workgroup counts for a flat kernel', async () => {
    const { gpu, a, offset, out } = await tensors();
    expect(() => launch(gpu, affine, { a, offset, out }, { count: 3, scale: 2 }, [1])).toThrow(/kernel spec:affine: groups: expected none/);
  });

  it('runs the generated source: every array and uniform reaches the body by its name', async () => {
    const { gpu, a, offset, out } = await tensors();
    launch(gpu, affine, { out, offset, a }, { scale: 2.5, count: 3 });
    expect(Array.from((await read(out)).data)).toEqual([1 * 2.5 + 0, 2 * 2.5 + 1, 3 * 2.5 + 2]);
  });

  it('stops a flat kernel at its count', async () => {
    const { gpu, a, offset, out } = await tensors();
    launch(gpu, affine, { a, offset, out }, { count: 2, scale: 1 });
    expect(Array.from((await read(out)).data)).toEqual([1, 3, 0]);
  });
});

describe('shaped kernels', () => {
  /** Reverses each block of 4 through workgroup memory and adds a baked constant. */
  const reverseBlocks = (added: string) =>
    kernel({
      name: 'spec:reverse-blocks',
      inputs: { x: 'f32' },
      outputs: { y: 'f32' },
      constants: { ADDED: added },
      shared: { block: 'array<f32, 4>' },
      workgroup: [4],
      body: `block[lid.x] = x[gid.x];
  workgroupBarrier();
  y[wid.x * 4u + l] = block[3u - l] + ADDED;`,
    });

  it('runs with workgroup memory and builtins, its baked constants part of the pipeline key', async () => {
    const gpu = await getGpu();
    const values = [1, 2, 3, 4, 5, 6, 7, 8];
    const x = upload(gpu, tensor([8], values));
    const results = [];
    for (const added of ['10.0', '20.0']) {
      const y = upload(gpu, tensor([8]));
      launch(gpu, reverseBlocks(added), { x, y }, {}, [2]);
      results.push(Array.from((await read(y)).data));
    }
    const expected = (added: number) => [4, 3, 2, 1, 8, 7, 6, 5].map((v) => v + added);
    expect(results).toEqual([expected(10), expected(20)]);
  });

  it('refuses a launch without workgroup counts', async () => {
    const gpu = await getGpu();
    const x = upload(gpu, tensor([4]));
    expect(() => launch(gpu, reverseBlocks('0.0'), { x, y: x }, {})).toThrow(/kernel spec:reverse-blocks: groups: expected workgroup counts, got none/);
  });
});

it('no file in accelerated/ but kernel.ts writes a binding', () => {
  const root = join(__dirname, '..', 'accelerated');
  const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  const builder = join('runtime', 'kernel.ts');
  expect(files).toContain(builder);
  const offenders = files.filter((f) => f !== builder && readFileSync(join(root, f), 'utf8').includes('@binding'));
  expect(offenders).toEqual([]);
});

it('refuses an array named like the generated code or declared twice', () => {
  expect(() => kernel({ name: 'spec:clash', outputs: { u: 'f32' }, body: 'u[i] = 1.0;' })).toThrow("kernel spec:clash: 'u' is declared twice or is reserved");
  expect(() => kernel({ name: 'spec:twice', inputs: { x: 'f32' }, outputs: { x: 'f32' }, body: 'x[i] = 1.0;' })).toThrow(
    "kernel spec:twice: 'x' is declared twice or is reserved",
  );
});

it('refuses a uniform named count on a flat kernel, whose own count it is', () => {
  expect(() => kernel({ name: 'spec:count', outputs: { y: 'f32' }, uniforms: { count: 'u32' }, body: 'y[i] = 1.0;' })).toThrow(
    "kernel spec:count: uniform 'count' is reserved: a flat kernel's own invocation count",
  );
});
