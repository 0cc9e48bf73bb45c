/** Benchmarks check their own results before timing anything: a fast wrong answer is not a result. */
export function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`bench/flow: ${message}`)
}

/** 0 + 1 + ... + (n - 1), what every handoff case must add up to. */
export function expectedSum(n: number): number {
  return (n * (n - 1)) / 2
}
