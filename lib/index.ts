/// <reference types="@webgpu/types" preserve="true" />
/**
 * gradcheck-ts as a library (`import { gradcheck } from 'gradcheck-ts'`): the suite's gradient
 * check for a user's own function, cs231n's numerical helpers, twin verification, case files and
 * the op table. This module only re-exports; only verifyTwin opens a WebGPU device. The reference
 * above keeps the WebGPU types that the device tensors' declarations use in the published ones.
 */
export { gradcheck, type Differentiable, type GradcheckOptions } from './gradcheck';
export { evalNumericalGradient, relError } from './numerical';
export { verifyTwin, type VerifyTwinOptions } from './twin';
export { makeCaseFile, readCaseFile, writeCaseFile } from './casefile';
export { opTable, type OpInfo } from './ops';
export { parseCase, serializeCase, type CaseFile, type TensorJson } from '../spec/harness/casefile';
export type { GradcheckResult, GradcheckWorst } from '../spec/harness/gradcheck';
export type { InputSpec, Params } from '../spec/harness/op';
export type { PropertyResult } from '../spec/harness/properties';
export { tensor, type Tensor, type Tensors } from '../reference/tensor';
