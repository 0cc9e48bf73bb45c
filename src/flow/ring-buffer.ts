/**
 * A FIFO queue over a power-of-two circular array. `Array.prototype.shift`
 * moves every element once a queue outgrows V8's fast paths, which makes a
 * busy channel quadratic; here taking from the front is one index bump and
 * growing doubles the array once in a while.
 */
export class RingBuffer<T> {
  private slots: (T | undefined)[]
  private mask: number
  private head = 0
  private count = 0

  constructor(initialCapacity = 16) {
    let size = 4
    while (size < initialCapacity) size *= 2
    this.slots = new Array(size)
    this.mask = size - 1
  }

  get length(): number {
    return this.count
  }

  push(item: T): void {
    if (this.count === this.slots.length) this.grow()
    this.slots[(this.head + this.count) & this.mask] = item
    this.count++
  }

  /** Puts an item back at the front (for a waiter that must keep its place). */
  unshift(item: T): void {
    if (this.count === this.slots.length) this.grow()
    this.head = (this.head - 1) & this.mask
    this.slots[this.head] = item
    this.count++
  }

  /** Takes the oldest item; undefined when empty (check `length` if T can be undefined). */
  shift(): T | undefined {
    if (this.count === 0) return undefined
    const item = this.slots[this.head]
    // clear the slot so the buffer does not keep a consumed item alive
    this.slots[this.head] = undefined
    this.head = (this.head + 1) & this.mask
    this.count--
    return item
  }

  peek(): T | undefined {
    return this.count === 0 ? undefined : this.slots[this.head]
  }

  /** The item `index` places from the front, without removing it. */
  at(index: number): T | undefined {
    return index >= 0 && index < this.count ? this.slots[(this.head + index) & this.mask] : undefined
  }

  /** Removes the first occurrence of `item` (by identity); O(n), for rare paths such as a cancelled waiter. */
  remove(item: T): boolean {
    for (let i = 0; i < this.count; i++) {
      if (this.slots[(this.head + i) & this.mask] !== item) continue
      for (let j = i; j < this.count - 1; j++) {
        this.slots[(this.head + j) & this.mask] = this.slots[(this.head + j + 1) & this.mask]
      }
      this.slots[(this.head + this.count - 1) & this.mask] = undefined
      this.count--
      return true
    }
    return false
  }

  /** Moves up to `max` items from the front into `out`, oldest first; returns how many moved. */
  shiftInto(out: T[], max: number): number {
    const n = Math.min(max, this.count)
    for (let i = 0; i < n; i++) {
      const slot = (this.head + i) & this.mask
      out.push(this.slots[slot] as T)
      this.slots[slot] = undefined
    }
    this.head = (this.head + n) & this.mask
    this.count -= n
    return n
  }

  clear(): void {
    this.slots.fill(undefined)
    this.head = 0
    this.count = 0
  }

  private grow(): void {
    const size = this.slots.length
    const next: (T | undefined)[] = new Array(size * 2)
    for (let i = 0; i < this.count; i++) next[i] = this.slots[(this.head + i) & this.mask]
    this.slots = next
    this.mask = size * 2 - 1
    this.head = 0
  }
}
