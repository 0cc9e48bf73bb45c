/** Index of the first element of an ascending array that is at least `value`; the length when none is. */
export function firstAtOrAfter(sorted: ArrayLike<number>, value: number): number {
  let low = 0
  let high = sorted.length
  while (low < high) {
    const mid = (low + high) >>> 1
    if (sorted[mid] < value) low = mid + 1
    else high = mid
  }
  return low
}

/** Index of the last element of an ascending array of integers that is at most `value`; -1 when none is. */
export function lastAtOrBefore(sorted: ArrayLike<number>, value: number): number {
  return firstAtOrAfter(sorted, value + 1) - 1
}
