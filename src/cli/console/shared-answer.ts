/**
 * One admin reading shared by every request that arrives while it runs or
 * within `maxAgeMs` after: ten pages open cost Kafka what one does.
 */
export class SharedAnswer<T> {
  private pending: Promise<T> | undefined
  private readAt = 0

  constructor(
    private readonly read: () => Promise<T>,
    private readonly maxAgeMs: number,
  ) {}

  get(): Promise<T> {
    if (this.pending && Date.now() - this.readAt < this.maxAgeMs) return this.pending
    this.readAt = Date.now()
    const pending = this.read()
    this.pending = pending
    // a failure is not kept: the next request asks again
    pending.catch(() => {
      if (this.pending === pending) this.pending = undefined
    })
    return pending
  }
}
