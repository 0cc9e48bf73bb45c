/**
 * A steady rate generator for the latency and overload parts: every
 * millisecond or so it sends the records that are due by then (elapsed ×
 * rate), in one small burst, so the rate holds on average even when a
 * timer fires late, and no record waits in the generator for long. The
 * elapsed time goes to `burst` so a record can tell the warm-up apart.
 * After a stall (the process got no CPU for a while) the records due are
 * handed over in bursts of at most MAX_BURST: clients that send a burst as
 * one batch would otherwise build one larger than the broker's
 * message.max.bytes (1 MB). The longest stall is reported, since records
 * are stamped when handed over and a stall spoils the pacing, not the
 * figures.
 */

const MAX_BURST = 1000

export interface PacedOutcome {
  sent: number
  /** The longest time between two ticks of the generator. */
  maxTickGapMs: number
}

export function pacedSends(
  ratePerSecond: number,
  totalMs: number,
  burst: (count: number, elapsedMs: number) => void,
): Promise<PacedOutcome> {
  const total = Math.floor((ratePerSecond * totalMs) / 1000)
  const started = performance.now()
  let sent = 0
  let lastTick = started
  let maxTickGapMs = 0
  return new Promise((resolve) => {
    const tick = () => {
      const now = performance.now()
      maxTickGapMs = Math.max(maxTickGapMs, now - lastTick)
      lastTick = now
      const elapsed = now - started
      const due = Math.min(total, Math.floor((elapsed * ratePerSecond) / 1000))
      while (due > sent) {
        const count = Math.min(MAX_BURST, due - sent)
        burst(count, elapsed)
        sent += count
      }
      if (sent >= total) resolve({ sent, maxTickGapMs })
      else setTimeout(tick, 1)
    }
    tick()
  })
}
