import fc from 'fast-check';
import * as twin from '../accelerated/init';
import * as ref from '../reference/init';
import { tensor } from '../reference/tensor';
import { dim, makeSample, samples } from './harness/arbitraries';
import type { ErrorCase, OpRow, Params, OpDef } from './harness/op';
import { forwardOnly, notDifferentiated, type AnyForward } from './optimizers';

/**
 * Rows of the initialization family (reference/init.ts, accelerated/init.ts): input w, the tensor to
 * initialize (only its shape is read), output `out`; seed, gain and mode are params. The reference
 * and the twin draw the same counter-based numbers, so the twin is compared value by value; the
 * distributions themselves (mean, std, range) are checked in spec/optimizers.test.ts.
 */
const MAX_SEED = 2 ** 32 - 1;

/** Affine weights (D, M) and convolution weights (F, C, k, k); the values of w are never read. */
const weightShape = (maxDim: number) =>
  fc.oneof(
    fc.tuple(dim(1, 8 * maxDim), dim(1, 8 * maxDim)),
    fc.tuple(dim(1, maxDim), dim(1, maxDim), dim(1, 5)).map(([F, C, k]) => [F, C, k, k]),
  );

const initSamples = (params: fc.Arbitrary<Params>, maxDim: number) =>
  samples(fc.record({ shape: weightShape(maxDim), params }), ({ shape, params }) => ({ inputs: { w: tensor(shape) }, params }));

const seed = fc.oneof(fc.constantFrom(0, MAX_SEED), fc.integer({ min: 0, max: MAX_SEED }));
const gain = fc.oneof(fc.constantFrom(1, Math.SQRT2), fc.double({ min: 0.1, max: 3, noNaN: true }));

function initErrors(op: string): ErrorCase[] {
  const w = tensor([3, 4]);
  return [
    { title: 'w of rank 1', sample: makeSample({ w: tensor([5]) }), message: `${op}: w: expected rank ≥ 2, got rank 1 (shape [5])` },
    { title: 'empty w', sample: makeSample({ w: tensor([0, 3]) }), message: `${op}: w: expected a non-empty tensor, got shape [0, 3]` },
    { title: 'negative seed', sample: makeSample({ w }, { seed: -1 }), message: `${op}: seed: expected an integer ≥ 0 and ≤ ${MAX_SEED}, got -1` },
    { title: 'seed of 2³²', sample: makeSample({ w }, { seed: 2 ** 32 }), message: `${op}: seed: expected an integer ≥ 0 and ≤ ${MAX_SEED}, got ${2 ** 32}` },
    { title: 'gain 0', sample: makeSample({ w }, { gain: 0 }), message: `${op}: gain: expected a number > 0, got 0` },
  ];
}

function initRow(
  id: string,
  params: fc.Arbitrary<Params>,
  reference: AnyForward,
  twinForward: AnyForward,
  validate: OpRow['validate'],
  extraErrors: ErrorCase[] = [],
): OpDef {
  const io = [['w'], ['out']] as const;
  return {
    id,
    inputs: [{ name: 'w', kind: 'float', differentiable: false }],
    outputs: ['out'],
    reference: forwardOnly(...io, reference),
    twin: forwardOnly(...io, twinForward),
    validate,
    // Up to 64×64 = 4096 values (64 workgroups) or 8·8·5·5.
    sample: initSamples(params, 8),
    gradSample: initSamples(params, 2),
    edgeCases: [makeSample({ w: tensor([1, 1]) }), makeSample({ w: tensor([4, 3, 3, 3]) }, { seed: MAX_SEED })],
    errors: [...initErrors(id), ...extraErrors],
    reasons: {
      ...notDifferentiated('a random initialization, not differentiated'),
      oracle: "statistical only: PyTorch's generator draws other numbers; mean, std and range against theory in spec/optimizers.test.ts",
    },
  };
}

const xavierParams = fc.record({ seed, gain }, { requiredKeys: [] });

export const xavier_uniform = initRow(
  'xavier_uniform',
  xavierParams,
  ref.xavierUniformForward,
  twin.xavierUniformForward,
  ({ w }, params) => void ref.validateXavier('xavier_uniform', w, params),
);

export const xavier_normal = initRow(
  'xavier_normal',
  xavierParams,
  ref.xavierNormalForward,
  twin.xavierNormalForward,
  ({ w }, params) => void ref.validateXavier('xavier_normal', w, params),
);

export const kaiming_normal = initRow(
  'kaiming_normal',
  fc.record({ seed, gain, mode: fc.constantFrom('fan_in', 'fan_out') }, { requiredKeys: [] }),
  ref.kaimingNormalForward,
  twin.kaimingNormalForward,
  ({ w }, params) => void ref.validateKaiming(w, params),
  [
    {
      title: 'unknown mode',
      sample: makeSample({ w: tensor([3, 4]) }, { mode: 'fan_avg' }),
      message: 'kaiming_normal: mode: expected "fan_in" or "fan_out", got "fan_avg"',
    },
  ],
);

export const INIT_ROWS: OpDef[] = [xavier_uniform, xavier_normal, kaiming_normal];
