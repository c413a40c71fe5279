/** The tensor type and an allocator shared by the split submission's modules (a subfolder of it). */
export interface Tensor {
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

export const zeros = (shape: readonly number[]): Tensor => ({ shape: [...shape], data: new Float64Array(shape.reduce((a, b) => a * b, 1)) });
