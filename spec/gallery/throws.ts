/** Gallery: svm_loss that throws on every call. */
export function svmLossForward(): never {
  throw new Error('I ran out of time');
}

export function svmLossBackward(): never {
  throw new Error('I ran out of time');
}
