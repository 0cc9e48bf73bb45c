import type { Clock } from '../clock.js'

/**
 * Long-poll support for Fetch: a fetch that cannot be answered yet parks here
 * on the partitions it reads, and is woken by the first append to any of them
 * (or by its timeout). Waking re-checks; it does not answer by itself.
 */
export class PartitionWatchers {
  private readonly watchers = new Map<string, Set<Watcher>>()

  constructor(private readonly clock: Clock) {}

  static key(topic: string, partition: number): string {
    return `${topic}\u0000${partition}`
  }

  /**
   * Calls `onWake` at each append to one of `keys` until `cancel()`, and
   * `onTimeout` once after `timeoutMs` (then the watch is cancelled).
   */
  watch(keys: readonly string[], timeoutMs: number, onWake: () => void, onTimeout: () => void): Watch {
    const watcher: Watcher = {
      onWake,
      keys,
      timer: undefined,
      cancelled: false,
      wakePending: false,
      expire: () => {},
    }
    const cancel = () => {
      if (watcher.cancelled) return
      watcher.cancelled = true
      this.clock.clearTimeout(watcher.timer)
      for (const key of keys) {
        const set = this.watchers.get(key)
        if (!set) continue
        set.delete(watcher)
        if (set.size === 0) this.watchers.delete(key)
      }
    }
    for (const key of keys) {
      let set = this.watchers.get(key)
      if (!set) {
        set = new Set()
        this.watchers.set(key, set)
      }
      set.add(watcher)
    }
    watcher.expire = () => {
      cancel()
      onTimeout()
    }
    watcher.timer = this.clock.setTimeout(watcher.expire, timeoutMs)
    return { cancel }
  }

  /**
   * Wakes every watcher of a partition (after an append, a truncation or a
   * deletion). The wake runs in a microtask, once per watcher however many of
   * its partitions were touched, so a produce to several partitions is seen
   * whole, as Kafka answers parked fetches after the produce completes.
   */
  notify(key: string): void {
    const set = this.watchers.get(key)
    if (!set) return
    for (const w of set) {
      if (w.cancelled || w.wakePending) continue
      w.wakePending = true
      queueMicrotask(() => {
        w.wakePending = false
        if (!w.cancelled) w.onWake()
      })
    }
  }

  /** Fires every watch's timeout now (broker shutdown: parked fetches answer with what they have). */
  expireAll(): void {
    const all = new Set<Watcher>()
    for (const set of this.watchers.values()) for (const w of set) all.add(w)
    for (const w of all) w.expire()
  }

  /** Number of parked watches, for metrics and tests. */
  get size(): number {
    let n = 0
    for (const set of this.watchers.values()) n += set.size
    return n
  }
}

interface Watcher {
  onWake: () => void
  keys: readonly string[]
  timer: unknown
  cancelled: boolean
  wakePending: boolean
  expire: () => void
}

export interface Watch {
  cancel(): void
}
