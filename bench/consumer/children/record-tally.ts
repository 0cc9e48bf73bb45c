/**
 * Counts what a consumer child received and checks it as it goes: every
 * partition's offsets must arrive one after another from 0, so a skipped
 * record, a duplicate or a record out of order shows up as a gap rather
 * than being hidden inside a total that happens to reach N.
 */

export interface TallyReport {
  counted: number
  /** Records seen per partition (index = partition). */
  perPartition: number[]
  /** Records whose offset was not the one after the partition's previous. */
  gaps: number
  firstGap?: string
}

export class RecordTally {
  counted = 0
  private readonly next: number[]
  private gaps = 0
  private firstGap: string | undefined
  private done: (() => void) | undefined
  private target: number

  constructor(partitions: number, target: number) {
    this.next = new Array(partitions).fill(0)
    this.target = target
  }

  /** Resolves once `target` records were counted (the target may be moved with `expect`). */
  readonly reached = new Promise<void>((resolve) => {
    this.done = resolve
  })

  expect(target: number): void {
    this.target = target
    if (this.counted >= target) this.done?.()
  }

  add(partition: number, offset: number): void {
    if (offset !== this.next[partition]) {
      this.gaps++
      this.firstGap ??= `partition ${partition}: offset ${offset} after ${this.next[partition] - 1}`
    }
    this.next[partition] = offset + 1
    if (++this.counted === this.target) this.done?.()
  }

  report(): TallyReport {
    return {
      counted: this.counted,
      perPartition: [...this.next],
      gaps: this.gaps,
      ...(this.firstGap ? { firstGap: this.firstGap } : {}),
    }
  }
}
