import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WEBGPU_MODEL_OPS } from '../accelerated/models/ops';
import type { GpuTensor } from '../accelerated/runtime/buffers';
import { MODEL_OP_NAMES, REFERENCE_MODEL_OPS, type ModelOpTable } from '../reference/models/ops';

/**
 * The model op tables (reference/models/ops.ts, accelerated/models/ops.ts): both pick every name of
 * MODEL_OP_NAMES from the op modules' exports (op_modules.ts of each side), which list every op
 * module of the table (one per file of spec/).
 */
const root = new URL('../', import.meta.url);
const OP_MODULES = readdirSync(new URL('spec/', root))
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
  .map((f) => f.slice(0, -3));

describe('model op tables', () => {
  it.each(['reference', 'accelerated'])('%s/models/op_modules.ts imports every op module of that side', (side) => {
    const text = readFileSync(new URL(`${side}/models/op_modules.ts`, root), 'utf8');
    const imported = [...text.matchAll(/^import \* as \w+ from '\.\.\/(\w+)';$/gm)].map((m) => m[1]);
    expect(imported).toEqual(OP_MODULES.filter((m) => existsSync(new URL(`${side}/${m}.ts`, root))));
  });

  it.each([
    ['reference', REFERENCE_MODEL_OPS],
    ['webgpu', WEBGPU_MODEL_OPS],
  ] as const)('the %s table holds a function for every model op and helper, and nothing else', (_, table) => {
    const helpers = ['add', 'constant', 'view', 'release', 'scope'];
    expect(Object.keys(table).sort()).toEqual([...MODEL_OP_NAMES, ...helpers].sort());
    for (const [name, entry] of Object.entries(table)) expect(typeof entry, name).toBe('function');
  });

  it('the reference table takes the vectorized variant where an op has two', async () => {
    const { softmaxLossVectorizedForward } = await import('../reference/softmax_loss');
    expect(REFERENCE_MODEL_OPS.softmaxLossForward).toBe(softmaxLossVectorizedForward);
  });
});

// A twin must take the reference op's arguments (ModelOpTable is derived from the reference functions).
// @ts-expect-error reluForward takes no second argument
export const MISMATCHED: ModelOpTable<GpuTensor> = { ...WEBGPU_MODEL_OPS, reluForward: (x: GpuTensor, alpha: number) => ({ out: x, cache: alpha }) };
